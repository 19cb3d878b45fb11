@echo off
rem Karuku's engine command line on Windows (uses JAVA_HOME, else java on PATH).
set "HERE=%~dp0"
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
"%JAVA%" --enable-native-access=ALL-UNNAMED -Dkaruku.natives="%HERE%natives" -cp "%HERE%karuku-engine.jar;%HERE%lib\*" dev.karuku.engine.cli.Main %*
