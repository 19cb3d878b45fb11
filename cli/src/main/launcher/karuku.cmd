@echo off
rem Karuku's command line on Windows (uses JAVA_HOME, else java on PATH).
set "HERE=%~dp0"
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
set "NATIVES=%HERE%natives"
if not exist "%NATIVES%" set "NATIVES=@NATIVES@"
"%JAVA%" --enable-native-access=ALL-UNNAMED -Dkaruku.natives="%NATIVES%" -cp "%HERE%karuku-cli.jar;%HERE%lib\*" dev.karuku.cli.Main %*
