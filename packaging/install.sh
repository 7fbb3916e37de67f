#!/bin/sh
# 案件监督工作站 · Case Supervision Workstation: install from this folder alone, no network.
# Usage: sh install.sh [TARGET]   (default ~/.local/share/case-supervision-workstation)
# Makes TARGET/venv (a Python @PYTHON_VERSION@ virtual environment) with the workstation and its
# libraries from the wheels beside this script, each checked against requirements.txt's
# sha256, then a menu entry. $PYTHON names the Python to use (default python@PYTHON_VERSION@).
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
target=${1:-${XDG_DATA_HOME:-$HOME/.local/share}/case-supervision-workstation}
python=${PYTHON:-}
if [ -z "$python" ]; then
    if command -v python@PYTHON_VERSION@ >/dev/null 2>&1; then python=python@PYTHON_VERSION@; else python=python3; fi
fi
if ! "$python" -c "import sys; sys.exit('%d.%d' % sys.version_info[:2] != '@PYTHON_VERSION@')"; then
    echo "需要 Python @PYTHON_VERSION@（这些轮子包是为它准备的）；用 PYTHON=... 指定。" >&2
    echo "Needs Python @PYTHON_VERSION@ (the wheels are built for it); name it with PYTHON=..." >&2
    exit 1
fi

echo "安装到 / installing into: $target"
"$python" -m venv "$target/venv"
# Only this folder: no configured index, find-links or proxy is consulted.
PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 "$target/venv/bin/python" -m pip install \
    --isolated --disable-pip-version-check --no-index --find-links "$here" \
    --require-hashes -r "$here/requirements.txt"

# A menu entry (freedesktop) starting the desktop app.
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
mkdir -p "$apps"
cat >"$apps/case-supervision-workstation.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=案件监督工作站
Name[en]=Case Supervision Workstation
Comment=Case Supervision Workstation
Exec="$target/venv/bin/workstation-app"
Terminal=false
Categories=Office;
DESKTOP

echo "完成 / done."
echo "  桌面程序 / desktop app:  $target/venv/bin/workstation-app   (菜单：案件监督工作站)"
echo "  命令行 / command line:    $target/venv/bin/workstation --help"
