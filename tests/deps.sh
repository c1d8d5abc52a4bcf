#!/bin/sh
# Install what the build and the tests need, only when something is missing.
# Debian packages via apt-get (one `apt-get update` first), npm packages for
# the browser tests into tests/node_modules.  Quiet and fast when all is there.
set -e
cd "$(dirname "$0")/.."

PKGS="gcc make pkgconf clang libclang-rt-14-dev
libxml2-dev libxml2-utils libcmark-dev libpcre2-dev libyaml-dev libjansson-dev
libutf8proc-dev libmicrohttpd-dev libxxhash-dev
chromium nodejs npm python3 hugo wrk valgrind curl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		# a command of that name from elsewhere (node, npm, python3) will do
		case "$p" in
		nodejs) command -v node >/dev/null 2>&1 && continue ;;
		npm|python3|clang) command -v "$p" >/dev/null 2>&1 && continue ;;
		esac
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

# npm packages for browser tests and benchmarks, pinned by package-lock.json.
# Installed again only when package.json or the lock file changed (their
# checksum is kept in node_modules), so a fresh clone's timestamps do not
# matter.  `npm install` rather than `npm ci`: the lock file cannot list
# pagefind's binaries for other platforms when the registry mirror lacks
# them, and `npm ci` refuses such a lock.
want=$(cat tests/package.json tests/package-lock.json | cksum)
have=$(cat tests/node_modules/.jobsite-deps 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	echo "deps: installing npm packages for the tests"
	(cd tests && npm install --no-audit --no-fund --loglevel=error >/dev/null) || exit 1
	(cd tests && git checkout -q -- package-lock.json 2>/dev/null || true)
	echo "$want" > tests/node_modules/.jobsite-deps
fi
