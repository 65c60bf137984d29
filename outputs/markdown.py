"""Markdown for the texts people type into Rakor (minutes, decisions, notes).

Two walls stand between what a user types and the page:

1. Python-Markdown runs without its raw-HTML handlers, so ``<script>`` or ``<iframe>`` typed
   in the source is text, escaped to ``&lt;script&gt;`` like any other text.
2. nh3 (ammonia) then cleans the HTML against a short allow-list of tags and attributes, and
   keeps only ``http``, ``https`` and ``mailto`` links, so whatever Markdown itself produces
   (``[x](javascript:…)``) cannot carry script either.

``render_markdown`` is the only way rendered Markdown reaches a template;
``markdown_to_text`` gives the plain text for DOCX files and the text part of emails.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import markdown as markdown_lib
import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Deeper than this (nested lists or quotes), a text is shown as plain paragraphs: Python-Markdown
# recurses once per level and WeasyPrint lays nested boxes out recursively, so a few hundred
# levels would make the page, the PDF and the distribution fail with RecursionError.
MAX_DEPTH = 40
# Python-Markdown's link matching costs (unclosed "[") × (length): ten thousand brackets take
# seconds, on every view. Real minutes have a few links a section; past this, plain paragraphs.
MAX_BRACKETS = 300

# The page already has its h1/h2; a "# Heading" in a discussion text becomes an h3.
_HEADING_SHIFT = 2


class _DemoteHeadings(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                level = min(int(element.tag[1]) + _HEADING_SHIFT, 6)
                element.tag = f"h{level}"


class _TooDeep(Exception):
    pass


class _LimitDepth(Treeprocessor):
    def run(self, root: Element) -> None:
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise _TooDeep
            stack.extend((child, depth + 1) for child in element)


class _NoRawHtml(Extension):
    """Treat raw HTML in the source as text (escaped on output) and demote headings."""

    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)
        md.treeprocessors.register(_LimitDepth(md), "limit_depth", 1)


def _markdown() -> markdown_lib.Markdown:
    return markdown_lib.Markdown(
        extensions=[_NoRawHtml(), "tables", "fenced_code", "sane_lists", "nl2br"],
        output_format="html",
    )


def _keep_safe_href(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        scheme, colon, _rest = value.strip().partition(":")
        # Relative and protocol-relative links ("/admin", "//evil.example") are dropped too.
        if not colon or scheme.lower() not in ALLOWED_SCHEMES:
            return None
    return value


def sanitise_html(html: str) -> str:
    """Clean HTML against Rakor's allow-list (the second wall)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        clean_content_tags={"script", "style"},
        attribute_filter=_keep_safe_href,
    )


def render_markdown(text: str | None) -> SafeString:
    """Render user Markdown to HTML that is safe to put in a page as it is."""
    if not text:
        return mark_safe("")
    text = str(text)
    try:
        if text.count("[") > MAX_BRACKETS:
            raise _TooDeep
        html = _markdown().convert(text)
    except (_TooDeep, RecursionError):
        html = linebreaks(text, autoescape=True)
    return mark_safe(sanitise_html(html))  # noqa: S308 (sanitised just above)


_BLOCKS = frozenset(
    {"p", "pre", "blockquote", "ul", "ol", "table", "tr", "h3", "h4", "h5", "h6", "hr"}
)


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # one [counter, ordered] per open list
        self.href: str | None = None
        self.link_text: list[str] = []
        self.cells = 0
        self.in_pre = 0

    def _newline(self, count: int = 1) -> None:
        text = "".join(self.parts).rstrip(" ")
        trailing = len(text) - len(text.rstrip("\n"))
        if text and trailing < count:
            self.parts = [text, "\n" * (count - trailing)]
        else:
            self.parts = [text]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._newline(1 if self.lists or tag == "tr" else 2)
        if tag in ("ul", "ol"):
            self.lists.append([0, tag == "ol"])
        elif tag == "li":
            self._newline(1)
            indent = "  " * (len(self.lists) - 1)
            if self.lists and self.lists[-1][1]:
                self.lists[-1][0] += 1
                self.parts.append(f"{indent}{self.lists[-1][0]}. ")
            else:
                self.parts.append(f"{indent}- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "tr":
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self.parts.append(" | ")
            self.cells += 1
        elif tag == "pre":
            self.in_pre += 1
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag == "pre":
            self.in_pre = max(self.in_pre - 1, 0)
        if tag == "a":
            label = "".join(self.link_text).strip()
            if self.href and self.href not in (label, f"mailto:{label}"):
                self.parts.append(f" ({self.href})")
            self.href = None
        if tag in _BLOCKS:
            self._newline(1 if self.lists or tag == "tr" else 2)

    def handle_data(self, data: str) -> None:
        if not self.in_pre:
            # Outside <pre>, newlines in the HTML are only layout (breaks come as <br>).
            if not data.strip():
                return
            data = data.replace("\n", " ")
            if not self.parts or self.parts[-1].endswith("\n"):
                data = data.lstrip(" ")
        self.parts.append(data)
        if self.href is not None:
            self.link_text.append(data)

    def text(self) -> str:
        lines = "".join(self.parts).split("\n")
        text = "\n".join(line.rstrip() for line in lines).strip("\n")
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text


def markdown_to_text(text: str | None) -> str:
    """Plain text of user Markdown (for DOCX and email text parts): no markup, no HTML."""
    if not text:
        return ""
    writer = _TextWriter()
    writer.feed(str(render_markdown(text)))
    writer.close()
    return writer.text()
