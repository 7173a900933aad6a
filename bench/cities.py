"""Real city centres the benchmark's businesses cluster around, and empty places far from all.

Each city is (name, latitude, longitude, metro population in millions): the population sets
both how many businesses a city gets and how far they spread. The countryside points lie
hundreds of kilometres from every city here, so a nearby search there finds nothing.
"""

CITIES = [
    ("Tokyo", 35.6812, 139.7671, 37.0),
    ("Delhi", 28.6139, 77.2090, 32.0),
    ("Shanghai", 31.2304, 121.4737, 29.0),
    ("São Paulo", -23.5505, -46.6333, 22.0),
    ("Mexico City", 19.4326, -99.1332, 22.0),
    ("Cairo", 30.0444, 31.2357, 21.0),
    ("Mumbai", 19.0760, 72.8777, 21.0),
    ("Beijing", 39.9042, 116.4074, 21.0),
    ("Osaka", 34.6937, 135.5023, 19.0),
    ("New York", 40.7128, -74.0060, 19.0),
    ("Buenos Aires", -34.6037, -58.3816, 15.0),
    ("Istanbul", 41.0082, 28.9784, 15.5),
    ("Lagos", 6.5244, 3.3792, 15.0),
    ("Manila", 14.5995, 120.9842, 14.0),
    ("Rio de Janeiro", -22.9068, -43.1729, 13.0),
    ("Los Angeles", 34.0522, -118.2437, 12.5),
    ("Moscow", 55.7558, 37.6173, 12.5),
    ("Paris", 48.8566, 2.3522, 11.0),
    ("Jakarta", -6.2088, 106.8456, 11.0),
    ("Bogotá", 4.7110, -74.0721, 11.0),
    ("Lima", -12.0464, -77.0428, 11.0),
    ("Bangkok", 13.7563, 100.5018, 10.5),
    ("Seoul", 37.5665, 126.9780, 10.0),
    ("London", 51.5072, -0.1276, 9.5),
    ("Chicago", 41.8781, -87.6298, 8.9),
    ("Ho Chi Minh City", 10.8231, 106.6297, 9.0),
    ("Madrid", 40.4168, -3.7038, 6.7),
    ("Toronto", 43.6532, -79.3832, 6.3),
    ("Santiago", -33.4489, -70.6693, 6.8),
    ("Barcelona", 41.3851, 2.1734, 5.6),
    ("Sydney", -33.8688, 151.2093, 5.3),
    ("Johannesburg", -26.2041, 28.0473, 6.0),
    ("Singapore", 1.3521, 103.8198, 5.9),
    ("Berlin", 52.5200, 13.4050, 4.6),
    ("Milan", 45.4642, 9.1900, 4.3),
    ("Rome", 41.9028, 12.4964, 4.3),
    ("Melbourne", -37.8136, 144.9631, 5.1),
    ("Nairobi", -1.2921, 36.8219, 5.0),
    ("Guadalajara", 20.6597, -103.3496, 5.3),
    ("Monterrey", 25.6866, -100.3161, 5.3),
    ("San Francisco", 37.7749, -122.4194, 4.7),
    ("Montréal", 45.5019, -73.5674, 4.3),
    ("Lisbon", 38.7223, -9.1393, 2.9),
    ("Athens", 37.9838, 23.7275, 3.2),
    ("Hamburg", 53.5511, 9.9937, 1.9),
    ("Amsterdam", 52.3676, 4.9041, 2.5),
    ("Vienna", 48.2082, 16.3738, 2.0),
    ("Munich", 48.1351, 11.5820, 2.9),
    ("Lyon", 45.7640, 4.8357, 2.3),
    ("Porto", 41.1579, -8.6291, 1.7),
]

# (name, latitude, longitude): empty land, at least 200 km from every city above.
COUNTRYSIDE = [
    ("Teruel uplands", 40.55, -1.30),
    ("Nevada basin", 39.50, -116.50),
    ("Central Australia", -25.00, 134.00),
    ("Mongolian steppe", 46.00, 103.00),
    ("Patagonian plateau", -44.50, -69.00),
]
