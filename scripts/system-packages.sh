#!/usr/bin/env bash
# Install the Debian packages the app and its tests use, when they are missing:
#   fonts-dejavu-core  the Unicode font PDFs are written in (names such as Siobhán Ó Briain, Łukasz Żółć)
#   poppler-utils      pdftotext and pdftoppm, with which the tests read the PDFs back
#   zbar-tools         zbarimg, with which the tests decode certificate QR codes
#   postgresql-15      the server the tests start (see with-postgres.sh); only with --tests
#   chromium           the browser the browser tests drive through Playwright (never `playwright install`); only with --tests
set -euo pipefail
wanted=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || wanted+=(fonts-dejavu-core)
if [ "${1:-}" = "--tests" ]; then
  command -v pdftotext >/dev/null || wanted+=(poppler-utils)
  command -v zbarimg >/dev/null || wanted+=(zbar-tools)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || wanted+=(postgresql-15)
  [ -x /usr/bin/chromium ] || wanted+=(chromium)
fi
[ ${#wanted[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${wanted[*]} (run as root, or: sudo apt-get install -y ${wanted[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${wanted[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}" >/dev/null
