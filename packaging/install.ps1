# 案件监督工作站 · Case Supervision Workstation: install from this folder alone, no network.
# Usage: install.bat [TARGET], or: powershell -ExecutionPolicy Bypass -File install.ps1 [TARGET]
# (default %LOCALAPPDATA%\CaseSupervisionWorkstation). Makes TARGET\venv (a 64-bit Python
# @PYTHON_VERSION@ virtual environment) with the workstation and its libraries from the wheels beside
# this script, each checked against requirements.txt's sha256, then shortcuts on the desktop
# and in the Start menu.
param([string]$Target = (Join-Path $env:LOCALAPPDATA "CaseSupervisionWorkstation"))
$ErrorActionPreference = "Stop"
$here = $PSScriptRoot

if (Get-Command py -ErrorAction SilentlyContinue) { $python = "py"; $pre = @("-@PYTHON_VERSION@") }
else { $python = "python"; $pre = @() }
& $python @pre -c "import struct, sys; sys.exit('%d.%d' % sys.version_info[:2] != '@PYTHON_VERSION@' or struct.calcsize('P') != 8)"
if ($LASTEXITCODE -ne 0) {
    throw "需要 64 位 Python @PYTHON_VERSION@（这些轮子包是为它准备的）/ Needs 64-bit Python @PYTHON_VERSION@ (the wheels are built for it)"
}

Write-Host "安装到 / installing into: $Target"
& $python @pre -m venv (Join-Path $Target "venv")
if ($LASTEXITCODE -ne 0) { throw "python -m venv failed" }
# Only this folder: no configured index, find-links or proxy is consulted.
$env:PIP_CONFIG_FILE = "nul"
$env:PIP_NO_INDEX = "1"
$venvPython = Join-Path $Target "venv\Scripts\python.exe"
& $venvPython -m pip install --isolated --disable-pip-version-check --no-index `
    --find-links $here --require-hashes -r (Join-Path $here "requirements.txt")
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

# Shortcuts starting the desktop app (no console window).
$app = Join-Path $Target "venv\Scripts\workstation-app.exe"
$shell = New-Object -ComObject WScript.Shell
foreach ($folder in @([Environment]::GetFolderPath("Desktop"), [Environment]::GetFolderPath("Programs"))) {
    $link = $shell.CreateShortcut((Join-Path $folder "案件监督工作站.lnk"))
    $link.TargetPath = $app
    $link.WorkingDirectory = $Target
    $link.Description = "Case Supervision Workstation"
    $link.Save()
}
Write-Host "完成 / done."
Write-Host "  桌面程序 / desktop app:  桌面和开始菜单的“案件监督工作站” ($app)"
Write-Host "  命令行 / command line:    $(Join-Path $Target 'venv\Scripts\workstation.exe') --help"
