#!/usr/bin/env bash
# Prints the path of a mediasoup-worker binary that matches the installed mediasoup, building it if needed.
#
#   export MEDIASOUP_WORKER_BIN="$(sfu/scripts/build-worker.sh)"
#   sfu/scripts/build-worker.sh --check   # print it only if it is already there (exit 3 otherwise)
#
# 1. mediasoup's prebuilt worker where there is one: in the package (when its postinstall ran) or fetched
#    from mediasoup's GitHub release for this version and platform, checked to run here, and cached (a
#    normal machine). Root package.json disables mediasoup's postinstall in allowScripts: where GitHub is
#    unreachable it fails, which would fail (or, for an optional dependency, silently drop) the install.
# 2. Otherwise the worker is built from the C++ sources inside node_modules/mediasoup/worker, in a copy (the
#    installed package is never modified), against Debian's libraries: each meson subproject ("wrap", which
#    would be downloaded) is replaced by a stand-in from worker-standins/, libsrtp 3 by libsrtp 2.5 behind a
#    compatibility header. See docs/sfu.md and /work/shared/mediasoup-worker.md for the facts it rests on.
# 3. The binary is cached outside the clone under a key made of mediasoup's version, the Debian package
#    versions, and this script and its stand-ins, so CI rebuilds only when one of them changes:
#      ${XDG_CACHE_HOME:-$HOME/.cache}/parley/mediasoup-worker/<key>/mediasoup-worker
#
# Everything but the final path goes to stderr. Environment: PARLEY_WORKER_CACHE (cache root),
# PARLEY_WORKER_JOBS (ninja -j, default: cores), MEDIASOUP_DIR (the mediasoup package, default: found from the
# repository's node_modules).
set -euo pipefail

# The whole script is one compound command, so bash reads it completely before running any of it: editing
# (or updating) this file while a long build runs cannot change what the running build does next.
{

# Bump when the build steps below change what ends up in the binary (comments and messages do not count).
recipe_revision=3

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
standins="$here/worker-standins"
patches="$here/worker-patches"

mode=build
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac

say() { echo "build-worker: $*" >&2; }
die() {
  echo "build-worker: error: $*" >&2
  exit 1
}

# --- the installed mediasoup -------------------------------------------------------------------------------
mediasoup="${MEDIASOUP_DIR:-}"
if [ -z "$mediasoup" ]; then
  for candidate in "$repo/sfu/node_modules/mediasoup" "$repo/node_modules/mediasoup"; do
    if [ -f "$candidate/package.json" ]; then
      mediasoup="$candidate"
      break
    fi
  done
fi
[ -n "$mediasoup" ] && [ -f "$mediasoup/package.json" ] ||
  die "mediasoup is not installed (run npm ci first); looked in sfu/node_modules and node_modules"
version="$(node -p "require(process.argv[1]).version" "$mediasoup/package.json")"

prebuilt="$mediasoup/worker/out/Release/mediasoup-worker"
if [ -x "$prebuilt" ]; then
  say "using the worker mediasoup $version installed itself"
  echo "$prebuilt"
  exit 0
fi

cache_root="${PARLEY_WORKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/mediasoup-worker}"
mkdir -p "$cache_root"

# mediasoup's release binary, named as its own installer names it; mediasoup-worker run without its
# environment exits with status 41, which is how mediasoup checks a download runs on this host.
fetched="$cache_root/$version-prebuilt/mediasoup-worker"
if [ -x "$fetched" ]; then
  say "using mediasoup $version's prebuilt worker"
  echo "$fetched"
  exit 0
fi
# mediasoup's own prebuilt worker (a normal machine reaches its release downloads), tried only when no worker
# is cached here: a machine that cannot reach it fails at once and builds from source instead.
try_prebuilt() {
  [ "$mode" = build ] && [ "${PARLEY_WORKER_PREBUILT:-1}" != 0 ] && [ "$(uname -s)" = Linux ] || return 0
  platform="$(node -p 'process.platform + "-" + process.arch')"
  tarball="mediasoup-worker-$version-$platform-kernel$(uname -r | cut -d. -f1).tgz"
  download="$(mktemp -d "$cache_root/.download-XXXXXX")"
  if curl -fsSL --connect-timeout 10 --max-time 300 -o "$download/worker.tgz" \
    "https://github.com/versatica/mediasoup/releases/download/$version/$tarball" 2>/dev/null &&
    tar -xzf "$download/worker.tgz" -C "$download" 2>/dev/null && [ -f "$download/mediasoup-worker" ]; then
    status=0
    env -i "$download/mediasoup-worker" >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 41 ]; then
      mkdir -p "$(dirname "$fetched")"
      mv "$download/mediasoup-worker" "$fetched"
      rm -rf "$download"
      say "fetched mediasoup $version's prebuilt worker"
      echo "$fetched"
      exit 0
    fi
    say "mediasoup's prebuilt worker does not run on this host (status $status); building from source"
  else
    say "no prebuilt worker reachable for $tarball; building from source"
  fi
  rm -rf "$download"
}

# --- the cache key -----------------------------------------------------------------------------------------
# Debian packages whose headers, libraries or tools end up in the binary (or decide how it is built).
debian_packages=(g++ pkg-config meson ninja-build libuv1-dev libssl-dev libabsl-dev libsrtp2-dev
  flatbuffers-compiler libflatbuffers-dev)
missing=()
package_versions=""
for package in "${debian_packages[@]}"; do
  if package_version="$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null)" && [ -n "$package_version" ]; then
    package_versions+="$package=$package_version;"
  else
    missing+=("$package")
  fi
done
if ((${#missing[@]})) && [ "$mode" = check ]; then
  say "no worker: missing Debian packages ${missing[*]}"
  exit 3
fi
((${#missing[@]} == 0)) || try_prebuilt
((${#missing[@]} == 0)) ||
  die "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]}; .ci/run installs them)"

recipe_hash="$(
  {
    echo "$package_versions"
    echo "recipe $recipe_revision"
    (cd "$standins" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    (cd "$patches" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  } | sha256sum | cut -c1-16
)"
key="$version-$recipe_hash"
target="$cache_root/$key/mediasoup-worker"

if [ -x "$target" ]; then
  say "cached worker for mediasoup $version ($key)"
  echo "$target"
  exit 0
fi
try_prebuilt
if [ "$mode" = check ]; then
  say "no worker for mediasoup $version yet (sfu/scripts/build-worker.sh builds it)"
  exit 3
fi

# One build at a time per cache: a second caller waits and then finds the binary.
exec 9>"$cache_root/.lock"
flock 9
if [ -x "$target" ]; then
  echo "$target"
  exit 0
fi

# --- every subproject the worker asks for must have a stand-in -----------------------------------------------
sources="$mediasoup/worker"
[ -f "$sources/meson.build" ] || die "$sources/meson.build not found: this mediasoup has no worker sources"
# Subprojects only the worker's tests or Windows builds use: never configured here.
not_needed=" catch2 wingetopt "
asked="$(
  {
    grep -ozP "subproject\(\s*'[^']+'" "$sources/meson.build" | tr '\0' '\n' | grep -oP "'\K[^']+"
    grep -ohP "dependency\(\s*'\K[^']+" "$sources/meson.build"
  } | sort -u
)"
for name in $asked; do
  case "$not_needed" in *" $name "*) continue ;; esac
  [ -d "$standins/$name" ] || die "mediasoup $version's worker asks for the subproject or dependency '$name', \
which has no stand-in in $standins. Add one backed by a Debian package (see its README.md), or use \
mediasoup's prebuilt worker."
done

# --- build in a copy ---------------------------------------------------------------------------------------
work="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
say "building mediasoup-worker $version from source in $work (about 8 minutes on 2 cores)"
cp -a "$sources" "$work/worker"
cd "$work/worker"
rm -rf subprojects
mkdir subprojects
for name in $asked; do
  case "$not_needed" in *" $name "*) continue ;; esac
  cp -a "$standins/$name" "subprojects/$name"
done
# Debian 12's meson is 1.0.1; the worker declares >= 1.1.0 but uses nothing from 1.1.
sed -i -E "s/meson_version: *'>= *1\.1\.0'/meson_version: '>= 1.0.0'/" meson.build

# mediasoup's BIO callback on its outgoing DTLS buffer (onSslBioOut in src/RTC/DtlsTransport.cpp) answers 1 to
# every BIO_ctrl() instead of passing the mem BIO's own answer through: it returns `ret` only when the
# operation is exactly BIO_CB_RETURN, never for BIO_CB_CTRL | BIO_CB_RETURN. mediasoup's own OpenSSL is built
# without kernel TLS, so nothing asks. Debian's libssl3 is built with KTLS: its ssl3_setup_write_buffer()
# asks BIO_get_ktls_send(wbio), gets 1, leaves the DTLS write buffer unallocated (the kernel would encrypt),
# and the first record it writes (the ServerHello, answering any browser's ClientHello) is stored through a
# NULL pointer: SIGSEGV in SSL_read (issue 14). Passing `ret` through for every BIO_CB_RETURN is what
# BIO_set_callback_ex(3) asks of a callback; writes still report the mem BIO's own result.
dtls_source=src/RTC/DtlsTransport.cpp
bio_callback_bug='(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1'
bio_callback_fix='(operationType \& BIO_CB_RETURN) != 0 ? static_cast<long>(ret) : 1'
if grep -qF "$bio_callback_bug" "$dtls_source"; then
  sed -i "s/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1/$bio_callback_fix/" "$dtls_source"
  grep -qF '(operationType & BIO_CB_RETURN) != 0' "$dtls_source" || die "patching $dtls_source failed"
elif ! grep -qF '(operationType & BIO_CB_RETURN)' "$dtls_source"; then
  die "mediasoup $version's $dtls_source no longer has the onSslBioOut return line this script fixes \
(see the comment above this check): read its BIO callback and update the fix, or the worker may crash on \
the first DTLS ClientHello against Debian's KTLS-enabled libssl"
fi

# Fixes to the worker's own sources that are more than a line (worker-patches/*.patch, in name order; each
# says why at its change). A patch that no longer applies stops the build: read what the new mediasoup does
# there and update or drop the patch.
command -v patch >/dev/null || die "the 'patch' tool is missing (apt-get install patch; .ci/run installs it)"
for fix in "$patches"/*.patch; do
  [ -e "$fix" ] || continue
  patch -p1 --forward --batch --silent <"$fix" >&2 ||
    die "mediasoup $version's worker sources no longer take $(basename "$fix"): read the patch's comment, \
then update or drop it"
done

jobs="${PARLEY_WORKER_JOBS:-$(nproc)}"
# The settings mediasoup's own build uses for its release worker.
meson setup --wrap-mode=nodownload --buildtype=release -Db_ndebug=true build >&2 ||
  die "meson setup failed (see above)"
ninja -C build -j "$jobs" mediasoup-worker >&2 ||
  die "compiling the worker failed (see above): a mediasoup release may call libsrtp-3, abseil or libuv \
functions the stand-ins lack"

mkdir -p "$cache_root/$key"
cp build/mediasoup-worker "$cache_root/$key/.mediasoup-worker.tmp"
mv "$cache_root/$key/.mediasoup-worker.tmp" "$target"
say "built $target"
echo "$target"
exit 0
}
