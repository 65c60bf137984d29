"""Where a rendered PDF's text leaves its table cell or the paper, read from WeasyPrint's layout
(its page boxes: not a public API, so this is for tests only)."""

from django.conf import settings


def overflowing_text(html: str, images=None, tolerance: float = 0.5) -> list[tuple[int, str, str]]:
    """(page number, where, text) of each piece of text drawn past the right edge of its table
    cell ("cell") or of the paper ("paper"), or below the paper ("bottom")."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from core.pdf import url_fetcher

    document = HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher(images or {})
    ).render()
    found = []

    def walk(box, cell, page_number, page_width, page_height):
        if isinstance(box, boxes.TableCellBox):
            cell = box
        if isinstance(box, boxes.TextBox):
            right = box.position_x + box.width
            if box.position_y + box.height > page_height + tolerance:
                found.append((page_number, "bottom", box.text))
            elif right > page_width + tolerance:
                found.append((page_number, "paper", box.text))
            elif cell is not None:
                cell_right = cell.border_box_x() + cell.border_width()
                if right > cell_right + tolerance:
                    found.append((page_number, "cell", box.text))
        for child in getattr(box, "children", ()):
            walk(child, cell, page_number, page_width, page_height)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, None, number, page.width, page.height)
    return found
