#!/usr/bin/env bash
# Debian packages MotCua needs: gettext (compiling the Vietnamese catalog), Chromium (browser tests),
# Noto and DejaVu fonts (Vietnamese glyphs in screenshots and PDFs), Pango (PDF rendering), SoftHSM
# (the PKCS#11 signing backend's tests), Tesseract with Vietnamese and Ghostscript (digitisation).
# Installed only when missing.
set -euo pipefail
need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# WeasyPrint (slips and receipts as PDF) draws text with Pango.
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# SoftHSM: a software PKCS#11 token, so the tests exercise the pkcs11 signing backend as an HSM would be used.
[ -f /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
# Digitisation: OCRmyPDF drives Tesseract (with the Vietnamese model) and Ghostscript (PDF/A).
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || need+=(tesseract-ocr-vie)
command -v gs >/dev/null 2>&1 || need+=(ghostscript)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${need[*]} — install them with your package manager (Debian: apt-get install ${need[*]})." >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
