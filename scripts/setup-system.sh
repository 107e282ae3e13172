#!/usr/bin/env bash
# Install the Debian packages dangwu needs (LibreOffice Writer, CJK and Latin fonts, poppler) when missing.
set -euo pipefail

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -i "Noto Serif CJK" >/dev/null || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -i "LXGW WenKai" >/dev/null || need+=(fonts-lxgw-wenkai)
# Latin text in the PDFs: Liberation Serif, metric-compatible with the templates' Times New Roman
fc-list 2>/dev/null | grep -i "Liberation Serif" >/dev/null || need+=(fonts-liberation2)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# Calc: the tests check that LibreOffice reads the ledger the toolkit saves as openpyxl does
compgen -G "/usr/lib/libreoffice/program/libsclo.so*" >/dev/null || need+=(libreoffice-calc-nogui)
# the 归档章 and page numbers are drawn in DejaVu Sans (toolkit/archive/pdfmarks.py)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need+=(fonts-dejavu-core)
# the tests list the archive zip as the archivist's tools do (Info-ZIP unzip: the Chinese names must read right)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)

if ((${#need[@]} == 0)); then
  echo "system packages: all present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "缺少系统软件包：${need[*]}。请以 root 运行：apt-get install -y ${need[*]}" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -q --no-install-recommends "${need[@]}"
