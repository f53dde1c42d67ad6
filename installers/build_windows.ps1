# Build the Windows bundle and its installer, on Windows 10/11 x64.
#
#   powershell -ExecutionPolicy Bypass -File installers\build_windows.ps1
#   ... -SkipInstaller    build and smoke-test the bundle only
#
# Needs: Python 3.11 x64 (the py launcher or -Python C:\path\python.exe) and, for the
# installer, Inno Setup 6 (https://jrsoftware.org/isinfo.php; ISCC.exe on PATH or in
# its default folder). Results:
#   dist\workbench\workbench.exe       the command line (console)
#   dist\workbench\workbench-gui.exe   the app (no console window)
#   dist\installer\Workbench-<version>-setup.exe   the per-user installer
param(
    [string]$Python = "",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

function Check([string]$what) {
    if ($LASTEXITCODE -ne 0) { throw "SMOKE TEST FAILED: $what (exit code $LASTEXITCODE)" }
}

$version = (Select-String -Path pyproject.toml -Pattern '^version = "(.*)"').Matches[0].Groups[1].Value

# A private build environment with Workbench's dependencies and PyInstaller.
if (-not (Test-Path .venv-build)) {
    if ($Python) { & $Python -m venv .venv-build } else { py -3.11 -m venv .venv-build }
    Check "creating the build environment"
}
$py = Join-Path (Resolve-Path .venv-build) "Scripts\python.exe"
& $py -m pip install -q --upgrade pip; Check "pip upgrade"
& $py -m pip install -q ".[installers]"; Check "installing Workbench and PyInstaller"

Write-Host "== building the bundle (PyInstaller)"
$t0 = Get-Date
$env:PYTHONPATH = "src"
& $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller installers\workbench.spec
Check "PyInstaller"
Remove-Item Env:\PYTHONPATH
Write-Host ("build time: {0:N0} s" -f ((Get-Date) - $t0).TotalSeconds)

Write-Host "== smoke test"
$exe = "dist\workbench\workbench.exe"
$smoke = Join-Path ([System.IO.Path]::GetTempPath()) ("workbench-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory $smoke | Out-Null
$env:WORKBENCH_CONFIG_DIR = "$smoke\config"
$env:WORKBENCH_DATA_DIR = "$smoke\data"
$env:WORKBENCH_LOG_DIR = "$smoke\logs"
try {
    $got = & $exe --version; Check "--version"
    if ($got -ne "workbench $version") { throw "SMOKE TEST FAILED: expected 'workbench $version', got '$got'" }
    Write-Host "version: $got"

    $env:QT_QPA_PLATFORM = "offscreen"
    $t0 = Get-Date
    $out = & $exe gui --smoke-exit; Check "opening the main window"
    Write-Host ("$out (first window: {0:N0} ms)" -f ((Get-Date) - $t0).TotalMilliseconds)

    & $exe demo --no-gui --out "$smoke\demo" | Out-Null; Check "building the demo and its package"
    $demo = "$smoke\demo\Northwind Robotics.engagement"
    if (-not (Test-Path $demo)) { throw "SMOKE TEST FAILED: the demo engagement was not built" }
    $docx = (Get-ChildItem "$smoke\demo\package" -Recurse -Filter *.docx).Count
    $xlsx = (Get-ChildItem "$smoke\demo\package" -Recurse -Filter *.xlsx).Count
    Write-Host "package: $docx Word, $xlsx Excel documents"
    if ($docx -lt 10 -or $xlsx -lt 3) { throw "SMOKE TEST FAILED: the demo package is incomplete" }

    $out = & $exe gui --smoke-exit $demo; Check "opening the demo in the main window"
    Write-Host $out
    Remove-Item Env:\QT_QPA_PLATFORM
} finally {
    Remove-Item Env:\WORKBENCH_CONFIG_DIR, Env:\WORKBENCH_DATA_DIR, Env:\WORKBENCH_LOG_DIR -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $smoke -ErrorAction SilentlyContinue
}
$size = (Get-ChildItem dist\workbench -Recurse -File | Measure-Object -Sum Length).Sum / 1MB
Write-Host ("bundle: {0:N0} MB" -f $size)

if (-not $SkipInstaller) {
    $iscc = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($iscc) { $iscc = $iscc.Source } else { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
    if (-not (Test-Path $iscc)) { throw "Inno Setup 6 not found (ISCC.exe); install it or use -SkipInstaller" }
    & $iscc "/DAppVersion=$version" installers\windows\workbench.iss; Check "Inno Setup"
    Write-Host "installer: dist\installer\Workbench-$version-setup.exe"
}
Write-Host "SMOKE TEST PASSED"
