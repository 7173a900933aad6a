"""`make run`, the README's first command, serves: exactly as a newcomer runs it.

It once set everything up and then died on its first request check (the web's login may not
read django_migrations) while the suite stayed green: nothing ran it. This test does, with the
environment `make test` has, on a free port.
"""

import json
import os
import re
import subprocess

import pytest

from tests.serving.conftest import PROJECT_DIR, fetch, free_port, start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def development_server(tmp_path):
    port = free_port()
    server = start(
        ["run", f"PORT={port}"],
        {**os.environ},
        tmp_path / "run.log",
        f"http://127.0.0.1:{port}",
    )
    yield server
    server.stop()


def test_make_run_serves_the_admin_the_api_and_its_docs(development_server):
    url = development_server.url

    login = fetch(f"{url}/admin/login/")
    vouchers = fetch(f"{url}/api/v1/vouchers/")
    docs = fetch(f"{url}/api/docs/")

    assert login.status == 200 and 'name="password"' in login.text
    assert vouchers.status == 200 and json.loads(vouchers.body)["results"]
    assert docs.status == 200
    scripts = re.findall(r'<script src="([^"]+)"', docs.text)
    assert scripts and all(src.startswith("/static/") for src in scripts), scripts
    assert all(fetch(f"{url}{src}").status == 200 for src in scripts)
    output = development_server.output()
    assert "Traceback" not in output, output
    assert "Could not check for unapplied migrations" not in output, output
    assert f"serving http://127.0.0.1:{url.rsplit(':', 1)[1]}/" in output
    assert "8000" not in output, "the set-up names a port other than PORT"
    assert "NOTICE" not in output, output


def readme_curl_examples(address: str) -> str:
    """The README's block of curl examples, pointed at ``address`` instead of localhost:8000."""
    readme = (PROJECT_DIR / "README.md").read_text()
    api_section = readme[readme.index("## The REST API") :]
    block = re.search(r"```bash\n(.*?)```", api_section, re.DOTALL)[1]
    assert "localhost:8000" in block
    return block.replace("localhost:8000", address)


def json_documents(text: str) -> list:
    """The JSON documents curl printed one after the other (it adds no newline)."""
    decoder, documents, position = json.JSONDecoder(), [], 0
    while position < len(text.rstrip()):
        document, position = decoder.raw_decode(text, position)
        documents.append(document)
        while position < len(text) and text[position].isspace():
            position += 1
    return documents


def test_the_readme_s_curl_examples_run_as_written(development_server):
    script = readme_curl_examples(development_server.url.removeprefix("http://"))

    def run() -> list:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json_documents(result.stdout)

    nearby, redemption = run()
    _, again = run()

    assert nearby["results"] and all(" de " in v["title"] for v in nearby["results"])
    assert redemption["status"] == "redeemed"
    assert redemption["voucher"] == nearby["results"][0]["id"]
    assert again == redemption
