"""The pages work in a real browser with no network but this machine's.

Debian's Chromium, driven through its chromedriver, opens the pages `make serve` serves. Every
address but loopback goes to a proxy that does not exist, so a page that needs the internet
(a script from a CDN, map tiles) breaks here as it would offline; the browser's own network log
then lists every request the page made, and each must have stayed on 127.0.0.1.
"""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.serving.conftest import Server, owner_connect, run_manage

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_EMAIL = "browser-admin@example.com"
ADMIN_PASSWORD = "a browser's long password"
# The business of the seed data whose change page is opened (business/fixtures/seed.json).
BUSINESS_ID = "01940005-0000-7000-8000-000000000001"
WAIT_SECONDS = 30
# The schemes of requests that travel over a network.
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})


@pytest.fixture(scope="module")
def site(production: Server) -> Server:
    """The production server with the seed data and an admin to log in as."""
    run_manage(production, "loaddata", "seed")
    run_manage(
        production,
        "createsuperuser",
        "--no-input",
        f"--email={ADMIN_EMAIL}",
        env={
            "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
            "DJANGO_SUPERUSER_FIRST_NAME": "Browser",
            "DJANGO_SUPERUSER_LAST_NAME": "Admin",
        },
    )
    return production


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    """Headless Chromium that reaches loopback only, logging every request it makes."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail(
            "Chromium and chromedriver are missing: `make test` installs them "
            "(scripts/system-packages.sh --test)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        # As root, Chromium runs only without its sandbox.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1400",
        # The test's own certificate.
        "--ignore-certificate-errors",
        # Loopback is never proxied; everything else goes to a port where nothing listens.
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield session
    finally:
        session.quit()


def requested_urls(browser: webdriver.Chrome) -> list[str]:
    """Every URL the browser asked for since the last call (from its network log)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_stayed_local(urls: list[str], site: Server) -> None:
    """Every request that goes over a network went to the site (the browser's own chrome://
    pages and data: URLs go nowhere)."""
    assert any(url.startswith(site.url) for url in urls), f"the site was not asked: {urls}"
    elsewhere = [
        url
        for url in urls
        if urlsplit(url).scheme in NETWORK_SCHEMES and not url.startswith(f"{site.url}/")
    ]
    assert not elsewhere, f"requests left the machine: {elsewhere}"


def screenshot(browser: webdriver.Chrome, name: str) -> Path:
    """Keep what the page showed, for a person to look at (pytest's --basetemp)."""
    folder = Path(browser.capabilities["chrome"]["userDataDir"]).parent
    path = folder / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def test_the_api_docs_list_every_operation_offline(site, browser):
    requested_urls(browser)
    schema = json.loads(run_manage(site, "spectacular", "--format=openapi-json", "--lang=en"))
    operations = sum(
        method in ("get", "post", "put", "patch", "delete")
        for path in schema["paths"].values()
        for method in path
    )

    browser.get(f"{site.url}/api/docs/")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda page: page.find_elements(By.CSS_SELECTOR, ".opblock")
    )
    shown = browser.find_elements(By.CSS_SELECTOR, ".opblock")
    screenshot(browser, "api-docs")

    assert len(shown) == operations
    assert_stayed_local(requested_urls(browser), site)


def test_a_business_change_page_maps_its_point_and_area_offline(site, browser):
    with owner_connect(site) as owner:
        location, area = owner.execute(
            "SELECT ST_AsGeoJSON(location), ST_AsGeoJSON(service_area)"
            " FROM business.businesses WHERE id = %s",
            [BUSINESS_ID],
        ).fetchone()
    page = f"/admin/business/business/{BUSINESS_ID}/change/"
    requested_urls(browser)

    browser.get(f"{site.url}/admin/login/?next={page}")
    browser.find_element(By.NAME, "username").send_keys(ADMIN_EMAIL)
    browser.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda page: "change" in page.current_url)
    mapped = WebDriverWait(browser, WAIT_SECONDS).until(
        lambda page: page.execute_script(
            "const widget = window.geodjango_location;"
            "const area = window.geodjango_service_area;"
            "if (!widget || !area) return null;"
            "const geometries = w => w.featureOverlay.getSource().getFeatures()"
            "  .map(f => f.getGeometry().getCoordinates());"
            "return {point: geometries(widget), area: geometries(area),"
            "  canvas: !!document.querySelector('#id_location_map canvas')};"
        )
    )
    # Let the base map's outlines load before the picture is taken.
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda page: page.execute_script("return document.readyState") == "complete"
    )
    screenshot(browser, "business-change")

    assert mapped["canvas"]
    assert mapped["point"] == [json.loads(location)["coordinates"]]
    assert mapped["area"] == [json.loads(area)["coordinates"]]
    shown = json.loads(browser.find_element(By.ID, "id_location").get_attribute("value"))
    assert shown["coordinates"] == json.loads(location)["coordinates"]
    assert browser.find_element(By.ID, "id_location").is_displayed()
    assert_stayed_local(requested_urls(browser), site)
