@echo off
rem Case Supervision Workstation: install from this folder alone, no network (see install.ps1).
rem Usage: install.bat [TARGET]
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
if errorlevel 1 pause
