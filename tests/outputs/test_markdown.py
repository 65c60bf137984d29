"""What a minute-taker types is shown as formatted text, never as working HTML or script."""

from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from outputs.markdown import markdown_to_text, render_markdown


def elements(html: str) -> list[tuple[str, dict]]:
    """Every real element of the rendered HTML, as a browser would see it."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(str(html))
    return found


def test_ordinary_markdown_is_formatted():
    html = render_markdown("Dibahas **pedoman pelatihan** dan *kurikulum*.\n\n- satu\n- dua")

    assert isinstance(html, SafeString)
    assert "<strong>pedoman pelatihan</strong>" in html
    assert "<em>kurikulum</em>" in html
    assert "<li>satu</li>" in html


def test_headings_sit_below_the_page_headings():
    html = render_markdown("# Hasil\n\n## Rincian\n\n###### Kecil")

    assert "<h3>Hasil</h3>" in html
    assert "<h4>Rincian</h4>" in html
    assert "<h6>Kecil</h6>" in html
    assert "<h1" not in html
    assert "<h2" not in html


def test_tables_quotes_and_code_survive():
    html = render_markdown("> kutipan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nkode\n```")

    assert "<blockquote>" in html
    assert "<td>1</td>" in html
    assert "<pre><code>kode" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Teks <script>alert(1)</script> biasa",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
        "<scr<script>ipt>alert(1)</script>",
        '<a href="javascript:alert(1)">klik</a>',
        "<<script>script>alert(1)<</script>/script>",
        "<!-- <script>alert(1)</script> -->",
        "<div style='background:url(javascript:alert(1))'>x</div>",
        '<p onclick="alert(1)">x</p>',
        "```\n<script>alert(1)</script>\n```",
        "`<script>alert(1)</script>`",
    ],
)
def test_no_raw_html_survives(source):
    html = render_markdown(source)

    for tag, attributes in elements(html):
        assert tag in {"p", "pre", "code", "a", "br"}
        assert set(attributes) <= {"href", "rel"}
        assert not attributes.get("href", "").lower().startswith("javascript")
    assert "<script" not in html.lower()


def test_raw_html_is_shown_as_text():
    html = render_markdown('Lihat <iframe src="x"></iframe> dan <b>tebal</b>')

    assert "&lt;iframe" in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[klik](javascript:alert(1))",
        "[klik](JAVASCRIPT:alert(1))",
        "[klik](jav&#x09;ascript:alert(1))",
        "[klik]( javascript:alert(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[klik](vbscript:msgbox(1))",
        "[klik](//evil.example/)",
        "[klik](/admin/)",
        '[klik](https://ok.example "x\\" onmouseover=\\"alert(1))',
    ],
)
def test_links_keep_only_http_https_and_mailto(source):
    html = render_markdown(source)

    for tag, attributes in elements(html):
        assert tag in {"p", "a"}
        assert set(attributes) <= {"href", "rel", "title"}
        assert attributes.get("href", "https:").startswith("https:")
    assert "javascript" not in html.lower()
    assert "data:" not in html.lower()
    assert "vbscript" not in html.lower()
    assert "evil.example" not in html
    assert "/admin/" not in html


def test_good_links_open_safely():
    html = render_markdown("[Iprahumas](https://iprahumas.id) dan <mailto:humas@kemenag.go.id>")

    assert 'href="https://iprahumas.id"' in html
    assert "noopener" in html
    assert "mailto:" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    assert markdown_to_text(None) == ""


def test_plain_text_keeps_words_lists_and_links_without_markup():
    text = markdown_to_text(
        "# Hasil\n\nIprahumas **menjadi** think tank.\nBaris dua.\n\n"
        "- pedoman\n- kurikulum\n\n1. satu\n2. dua\n\n[situs](https://iprahumas.id)"
    )

    assert text == (
        "Hasil\n\nIprahumas menjadi think tank.\nBaris dua.\n\n"
        "- pedoman\n- kurikulum\n\n1. satu\n2. dua\n\nsitus (https://iprahumas.id)"
    )


def test_plain_text_shows_typed_html_as_literal_text_not_markup():
    text = markdown_to_text("Awas <script>alert(1)</script> & <b>x</b>")

    # Plain text is text: a DOCX or email text part shows the characters, runs nothing.
    assert text == "Awas <script>alert(1)</script> & <b>x</b>"


@pytest.mark.parametrize(
    "source",
    ["- " * 3000 + "x <script>", ">" * 200 + " x <script>"],
    ids=["lists-nested-3000-deep", "quotes-nested-200-deep"],
)
def test_text_nested_too_deep_is_shown_as_escaped_plain_text(source):
    html = render_markdown(source)

    assert [tag for tag, _attrs in elements(html)] == ["p"]
    assert "&lt;script&gt;" in html
    assert markdown_to_text(source).endswith("x <script>")


def test_moderate_nesting_is_still_formatted():
    html = render_markdown("> > quoted\n\n- one\n    - two")

    assert [tag for tag, _attrs in elements(html)] == [
        "blockquote",
        "blockquote",
        "p",
        "ul",
        "li",
        "ul",
        "li",
    ]


def test_a_text_full_of_unclosed_brackets_is_shown_as_plain_text_without_parsing(monkeypatch):
    # Python-Markdown needs seconds for this on every view; Rakor must not even start it.
    def markdown_must_not_run():
        raise AssertionError("Markdown parsed a text of 5,000 unclosed brackets")

    monkeypatch.setattr("outputs.markdown._markdown", markdown_must_not_run)

    html = render_markdown("[x](" * 5000 + "<script>alert(1)</script>")

    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<a " not in html
