"""A document as a Word file laid out after GB/T 9704-2012 (党政机关公文格式):
A4, margins 37/35/28/26 mm, title in 小标宋 二号, body in 仿宋 三号 at a fixed
28-point line pitch, first lines indented two characters, page numbers “— 1 —”.

East-Asian text takes the w:eastAsia font of each run, Latin and digits the ascii
font: both are set, on the Normal style and on every run."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"  # the standard's 小标宋; viewers without it substitute a 宋体
BODY_FONT = "仿宋"  # 仿宋_GB2312 on older systems
LATIN_FONT = "Times New Roman"
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(14)
LINE_PITCH = Pt(28)


def set_fonts(target, east_asian: str, size) -> None:
    """target: a run or a style; sets ascii/hAnsi and eastAsia fonts and the size."""
    target.font.name = LATIN_FONT
    target.font.size = size
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(container, text: str, *, font=BODY_FONT, size=BODY_SIZE, align=None, indent=True):
    para = container.add_paragraph()
    fmt = para.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)
    if align is not None:
        para.alignment = align
    if text:
        set_fonts(para.add_run(text), font, size)
    return para


def _page_numbers(section) -> None:
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(para.add_run("— "), "宋体", PAGE_NUMBER_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    para._p.append(field)
    set_fonts(para.add_run(" —"), "宋体", PAGE_NUMBER_SIZE)


def _box(word, rows: list[tuple[str, str]]) -> None:
    table = word.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for (label, blank), row in zip(rows, table.rows):
        for cell, text in zip(row.cells, (label, blank)):
            cell.paragraphs[0].paragraph_format.line_spacing = Pt(40)
            set_fonts(cell.paragraphs[0].add_run(text), BODY_FONT, BODY_SIZE)


def to_docx(view: dict) -> bytes:
    """view: app.register.documents.printed(document)."""
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_fonts(word.styles["Normal"], BODY_FONT, BODY_SIZE)
    _page_numbers(section)

    _paragraph(
        word, view["issuer"], font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph(
        word, view["title"], font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph(word, view["number"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(word, "", indent=False)
    if view["addressee"]:
        _paragraph(word, view["addressee"], indent=False)
    for text in view["paragraphs"]:
        _paragraph(word, text)
    _paragraph(word, "", indent=False)
    _paragraph(word, f"{view['signature']}（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(word, view["date"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if view["contact"]:
        _paragraph(word, f"（{view['contact']}）")
    _paragraph(word, "", indent=False)
    if view["receipt"]:
        _box(word, [("受送达人（签名或盖章）", ""), ("签收日期", "年　　月　　日"), ("送达人（签名）", "")])
    else:
        _box(word, [("经办人（签名）", ""), ("审核人（签名）", ""), ("日期", "年　　月　　日")])
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
