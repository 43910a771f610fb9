# Sourced by bin/sluice and bin/sluice-server: which Java runs Sluice, and Sluice's jar unpacked.

# A JDK's major version, from its release file (no JVM started), else from java -version.
major() {
  local home; home=$(dirname "$(dirname "$(readlink -f "$1")")")
  if [ -f "$home/release" ]; then
    sed -nE 's/^JAVA_VERSION="(1\.)?([0-9]+).*/\2/p' "$home/release"
  else
    "$1" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'
  fi
}

# pick_java NAME: JAVA_HOME's java, else the PATH's, else the first under /usr/lib/jvm, that is 21+.
pick_java() {
  local candidate
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  for candidate in /usr/lib/jvm/*/bin/java; do
    if [ -x "$candidate" ] && [ "$(major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "$1: needs Java 21 or newer; set JAVA_HOME to one (ls /usr/lib/jvm lists those installed)" >&2
  exit 1
}

# unpacked NAME JAVA JAR: the folder JAR is unpacked into (Boot's tools jarmode: the application's
# own jar and lib/), made once, in a cache named after the jar's size and time.
unpacked() {
  local name=$1 java_bin=$2 jar=$3 cache stamp dir tmp
  if [ ! -f "$jar" ]; then
    echo "$name: $jar is missing; build it first: ./mvnw -DskipTests package" >&2
    exit 1
  fi
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/sluice"
  stamp=$(stat -c '%s-%Y' "$jar")
  dir="$cache/jar-$stamp"
  if [ ! -f "$dir/sluice.jar" ]; then
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.extract-XXXXXX")
    "$java_bin" -Djarmode=tools -jar "$jar" extract --destination "$tmp/out" >/dev/null
    # The application's jar keeps the name of the one unpacked (SLUICE_JAR may name any file).
    [ -f "$tmp/out/sluice.jar" ] || mv "$tmp/out/$(basename "$jar")" "$tmp/out/sluice.jar"
    [ -f "$dir/sluice.jar" ] || rm -rf "$dir"     # left by an unpack that did not finish
    mv -T "$tmp/out" "$dir" 2>/dev/null || true   # another run may have been first: either is whole
    rm -rf "$tmp"
  fi
  echo "$dir"
}
