@echo off
rem Karuku's Maven wrapper on Windows: needs JAVA_HOME set to a JDK 25 and mvn on PATH.
if not defined JAVA_HOME (
  echo mvnw: set JAVA_HOME to a JDK 25, for example Temurin 25. 1>&2
  exit /b 1
)
set "MAVEN_OPTS=%MAVEN_OPTS% --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
mvn %*
