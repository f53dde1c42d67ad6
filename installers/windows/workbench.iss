; Inno Setup 6 script for Workbench: a per-user installer (no administrator rights).
;
; Build on Windows with installers\build_windows.ps1, which first builds the bundle
; (dist\workbench\) with PyInstaller and then runs:
;   ISCC.exe /DAppVersion=0.1.0 installers\windows\workbench.iss
; The installer lands in dist\installer\Workbench-<version>-setup.exe.
;
; What it does:
; - installs into %LOCALAPPDATA%\Programs\Workbench ({autopf} in non-administrative
;   install mode), without a UAC prompt;
; - adds a Start menu entry (and, if ticked, a desktop shortcut);
; - makes Workbench the handler of .engagement files for this user
;   (HKCU\Software\Classes, through HKA), with the Workbench icon;
; - registers an uninstaller (Settings > Apps) that removes the program, the
;   shortcuts and the association, and leaves engagement files, settings and logs.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Workbench"
#define GuiExe "workbench-gui.exe"
#define CliExe "workbench.exe"
#define ProgId "Workbench.Engagement"
#define Ext ".engagement"

[Setup]
; A fixed AppId: upgrades replace the previous version in place.
AppId={{6F1D2B7E-3C4A-4E8B-9B53-2A7C1E0D4F61}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Workbench
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename=Workbench-{#AppVersion}-setup
SetupIconFile=..\icons\workbench.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running Workbench holds its files open: ask to close it before replacing them.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle built by PyInstaller.
Source: "..\..\dist\workbench\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "Revenue- and conversation-intelligence engagements"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Registry]
; .engagement -> Workbench.Engagement, opened by workbench-gui.exe "%1".
Root: HKA; Subkey: "Software\Classes\{#Ext}"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#Ext}"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-workbench-engagement"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#Ext}\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Workbench engagement"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#GuiExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}\SupportedTypes"; ValueType: string; ValueName: "{#Ext}"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder: settings, recent files and logs live in the user's
; AppData folders and engagement files wherever the user keeps them.
Type: filesandordirs; Name: "{app}"
