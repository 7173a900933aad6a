"""Words the benchmark's voucher texts are made of, in each of its languages.

Every product has a name in each language, so that a search finds the same kinds of offer
in every language, and a text missing in one language falls back to another that names it.
"""

# (English, Spanish, French, German) names of what a voucher is for; most common first.
PRODUCTS = [
    ("pizza", "pizza", "pizza", "Pizza"),
    ("coffee", "café", "café", "Kaffee"),
    ("brunch", "almuerzo", "brunch", "Brunch"),
    ("burger", "hamburguesa", "burger", "Burger"),
    ("massage", "masaje", "massage", "Massage"),
    ("haircut", "corte de pelo", "coupe de cheveux", "Haarschnitt"),
    ("sushi", "sushi", "sushi", "Sushi"),
    ("yoga class", "clase de yoga", "cours de yoga", "Yogakurs"),
    ("cocktails", "cócteles", "cocktails", "Cocktails"),
    ("ice cream", "helado", "glace", "Eis"),
    ("bicycle rental", "alquiler de bicicletas", "location de vélos", "Fahrradverleih"),
    ("city tour", "visita guiada", "visite guidée", "Stadtführung"),
    ("manicure", "manicura", "manucure", "Maniküre"),
    ("tapas", "tapas", "tapas", "Tapas"),
    ("pastries", "pasteles", "pâtisseries", "Gebäck"),
    ("wine tasting", "cata de vinos", "dégustation de vins", "Weinprobe"),
    ("facial", "tratamiento facial", "soin du visage", "Gesichtsbehandlung"),
    ("climbing", "escalada", "escalade", "Klettern"),
    ("cinema tickets", "entradas de cine", "places de cinéma", "Kinokarten"),
    ("bakery", "panadería", "boulangerie", "Bäckerei"),
    ("ramen", "ramen", "ramen", "Ramen"),
    ("tacos", "tacos", "tacos", "Tacos"),
    ("steak dinner", "cena de carne", "dîner steak", "Steakessen"),
    ("vegan lunch", "comida vegana", "déjeuner végétalien", "veganes Mittagessen"),
    ("spa day", "día de spa", "journée spa", "Wellnesstag"),
    ("boat trip", "paseo en barco", "balade en bateau", "Bootsfahrt"),
    ("cooking class", "clase de cocina", "cours de cuisine", "Kochkurs"),
    ("escape room", "sala de escape", "escape game", "Escape Room"),
    ("bowling", "bolos", "bowling", "Bowling"),
    ("karaoke", "karaoke", "karaoké", "Karaoke"),
    ("smoothies", "batidos", "smoothies", "Smoothies"),
    ("chocolate", "chocolate", "chocolat", "Schokolade"),
    ("cheese platter", "tabla de quesos", "plateau de fromages", "Käseplatte"),
    ("dim sum", "dim sum", "dim sum", "Dim Sum"),
    ("paella", "paella", "paella", "Paella"),
    ("pilates", "pilates", "pilates", "Pilates"),
    ("tattoo", "tatuaje", "tatouage", "Tattoo"),
    ("photo shoot", "sesión de fotos", "séance photo", "Fotoshooting"),
    ("kayak rental", "alquiler de kayak", "location de kayak", "Kajakverleih"),
    ("museum pass", "pase de museo", "pass musée", "Museumspass"),
    ("barbecue", "barbacoa", "barbecue", "Grillabend"),
    ("crepes", "crepes", "crêpes", "Crêpes"),
    ("noodles", "fideos", "nouilles", "Nudeln"),
    ("craft beer", "cerveza artesanal", "bière artisanale", "Craft-Bier"),
    ("dance lesson", "clase de baile", "cours de danse", "Tanzstunde"),
    ("sauna", "sauna", "sauna", "Sauna"),
    ("golf lesson", "clase de golf", "cours de golf", "Golfstunde"),
    ("surf lesson", "clase de surf", "cours de surf", "Surfkurs"),
    ("pet grooming", "peluquería canina", "toilettage", "Hundesalon"),
    ("car wash", "lavado de coche", "lavage auto", "Autowäsche"),
]

ADJECTIVES = [
    ("fresh", "fresco", "frais", "frisch"),
    ("homemade", "casero", "maison", "hausgemacht"),
    ("classic", "clásico", "classique", "klassisch"),
    ("premium", "premium", "premium", "Premium"),
    ("relaxing", "relajante", "relaxant", "entspannend"),
    ("family", "familiar", "familial", "Familien"),
    ("organic", "ecológico", "bio", "Bio"),
    ("local", "local", "local", "regional"),
]

# Sentences with {discount}, {product}, {adjective} and {city}, per language.
TITLES = {
    "en": "{discount} off {product}",
    "es": "{discount} de descuento en {product}",
    "fr": "{discount} de réduction sur {product}",
    "de": "{discount} Rabatt auf {product}",
    "es-MX": "{discount} de descuento en {product}, ¡aprovecha!",
}
DESCRIPTIONS = {
    "en": "Enjoy our {adjective} {product} in the heart of {city}. Bring a friend!",
    "es": "Disfruta de nuestro {product} {adjective} en el centro de {city}. ¡Trae a un amigo!",
    "fr": "Profitez de notre {product} {adjective} au cœur de {city}. Venez à deux !",
    "de": "Genießen Sie {adjective} {product} mitten in {city}. Bringen Sie Freunde mit!",
    "es-MX": "Disfruta nuestro {product} {adjective} en pleno {city}. ¡Invita a tus cuates!",
}
TERMS = {
    "en": "Valid once per visit. Not combinable with other offers.",
    "es": "Válido una vez por visita. No acumulable con otras ofertas.",
    "fr": "Valable une fois par visite. Non cumulable avec d'autres offres.",
    "de": "Einmal pro Besuch gültig. Nicht mit anderen Angeboten kombinierbar.",
}
# Which column of PRODUCTS and ADJECTIVES a language's texts use.
COLUMN = {"en": 0, "es": 1, "fr": 2, "de": 3, "es-MX": 1}

FIRST_NAMES = ["Ana", "Luc", "João", "Emma", "María", "Tom", "Sofia", "Pierre", "Inês", "Kenji"]
LAST_NAMES = ["García", "Martin", "Silva", "Brown", "López", "Smith", "Rossi", "Müller", "Tanaka"]
