"""Benchmark: digitising scans (OCRmyPDF + Tesseract ``vie``) on this machine, MotCua's pipeline against
OCRmyPDF run alone on the same pages in the same run.

    .venv/bin/python bench/ocr.py [--pages 8]

Makes ``--pages`` scanned A4 pages (pictures at 150 dpi of Vietnamese administrative text, no text layer),
then, alternating page by page so both see the same machine load:
- **alone**: ``ocrmypdf.ocr`` with the options MotCua uses (``vie``, PDF/A by pikepdf, PDFium rasteriser,
  one job, sidecar text);
- **MotCua**: ``digitisation.ocr.ocr_convert`` (the same call with the progress plugin loaded), then the
  text folded for search and the PDF/A written to file storage, as the background task does (the task's
  three small row updates are not included).
Prints pages per minute for both, MotCua's overhead in percent, and the time the seeds' example backlog of
53,000 A4 pages would take at the measured rate on one core and on both.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
    "Người sử dụng đất: ông NGUYỄN VĂN BÌNH, sinh năm 1975",
    "Số định danh cá nhân: 024075001234",
    "Địa chỉ thường trú: thôn Đông, xã Tân Yên, tỉnh Bắc Ninh",
    "Thửa đất số: 125; tờ bản đồ số: 18; diện tích: 312,5 m²",
    "Mục đích sử dụng: đất ở tại nông thôn; thời hạn: lâu dài",
    "Nguồn gốc sử dụng: Nhà nước giao đất có thu tiền sử dụng đất",
    "Ngày 15 tháng 3 năm 2019, Ủy ban nhân dân huyện Tân Yên",
]


def scanned_page(number: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", 26)
    for line, text in enumerate(TEXT * 2):
        draw.text((100, 140 + line * 62), f"{text} ({number})" if line == 2 else text, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("MOTCUA_ENV", "test")
    os.environ["MOTCUA_DATA_DIR"] = tempfile.mkdtemp(prefix="motcua-bench-ocr-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    import ocrmypdf
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from motcua.core.text import fold
    from motcua.digitisation.ocr import ocr_convert

    pages = [scanned_page(n) for n in range(args.pages)]
    work = Path(tempfile.mkdtemp(prefix="motcua-bench-ocr-work-"))

    def alone(content: bytes) -> None:
        source, output, sidecar = work / "in.pdf", work / "out.pdf", work / "out.txt"
        source.write_bytes(content)
        ocrmypdf.ocr(
            source,
            output,
            language=["vie"],
            output_type="pdfa",
            pdfa_backend="internal",
            rasterizer="pypdfium",
            sidecar=sidecar,
            jobs=1,
            skip_text=True,
            progress_bar=False,
        )

    def motcua(content: bytes) -> None:
        pdf, text, _conformant = ocr_convert(content, "application/pdf")
        fold(text)
        default_storage.save("digitised/bench.pdf", ContentFile(pdf))

    alone(pages[0])  # warm-up: Tesseract's model and the imports
    times = {"alone": 0.0, "motcua": 0.0}
    for content in pages:
        for name, run in (("alone", alone), ("motcua", motcua)):
            start = time.perf_counter()
            run(content)
            times[name] += time.perf_counter() - start
    for name, total in times.items():
        print(
            f"{name:<7} {args.pages} pages in {total:6.1f} s = {60 * args.pages / total:5.1f} pages/min (one core)"
        )
    overhead = 100 * (times["motcua"] - times["alone"]) / times["alone"]
    print(f"MotCua's overhead over OCRmyPDF alone: {overhead:+.1f}%")
    per_page = times["motcua"] / args.pages
    backlog = 53_000 * per_page
    print(
        f"53,000 pages: {backlog / 3600:.1f} h on one core, {backlog / 7200:.1f} h on both cores "
        f"({backlog / 86400:.1f} / {backlog / 172800:.1f} days)"
    )


if __name__ == "__main__":
    main()
