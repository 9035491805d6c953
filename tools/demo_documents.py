"""Draw the demo's sample company documents (app/demo/documents/*.png), marked as samples.

Run once when they change: `python tools/demo_documents.py` (needs Pillow and a CJK font,
e.g. Debian's fonts-wqy-microhei); the PNGs are committed, so the demo needs neither.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
OUT = Path(__file__).resolve().parent.parent / "app" / "demo" / "documents"

DOCUMENTS = {
    "business_licence.png": (
        "营业执照",
        [
            "统一社会信用代码  （演示）",
            "名    称  （演示企业）",
            "类    型  有限责任公司",
            "法定代表人  （演示）",
            "住    所  湖北省武汉市江岸区",
            "成立日期  2016年3月8日",
        ],
    ),
    "legal_rep_id.png": (
        "居民身份证（法定代表人）",
        ["姓名  （演示）", "公民身份号码  4201021980********", "签发机关  武汉市公安局江岸分局"],
    ),
}


def draw(title: str, lines: list[str]) -> Image.Image:
    image = Image.new("RGB", (900, 620), "#fbf7ee")
    pen = ImageDraw.Draw(image)
    pen.rectangle((18, 18, 881, 601), outline="#b3261e", width=6)
    pen.text((450, 90), title, font=ImageFont.truetype(FONT, 56), fill="#b3261e", anchor="mm")
    body = ImageFont.truetype(FONT, 30)
    for n, line in enumerate(lines):
        pen.text((90, 190 + n * 58), line, font=body, fill="#222222")
    stamp = ImageFont.truetype(FONT, 40)
    pen.text((450, 560), "演示样本 · 非真实证照 · SAMPLE", font=stamp, fill="#b3261e", anchor="mm")
    return image.quantize(colors=16)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (title, lines) in DOCUMENTS.items():
        draw(title, lines).save(OUT / name, optimize=True)
        print(OUT / name, (OUT / name).stat().st_size)


if __name__ == "__main__":
    main()
