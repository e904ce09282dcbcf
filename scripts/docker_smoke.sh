#!/usr/bin/env bash
# Builds the image and runs `sommelier --help` and `sommelier parse ... --json` inside it.
# With a Docker engine: docker build + docker run. Without one (this project's CI machines): podman builds
# the image on a Debian bookworm base made by debootstrap, and the image's filesystem, mounted with
# `podman image mount`, runs the program under chroot as the image's user with the image's environment.
set -euo pipefail
cd "$(dirname "$0")/.."

TAG=localhost/llm-sommelier:smoke
BASE=localhost/sommelier-base:bookworm
REQUEST="best commercial 16GB llama model"
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

check_parse() {  # the JSON of the parse command: the memory read and the GGUF model really used
    python3 -c '
import json, sys
answer = json.loads(sys.stdin.read())
assert answer["memory_gb"] == 16, answer
assert answer["families"] == ["llama"] and answer["commercial"] is True, answer
assert answer["parser"] == "hybrid", "the GGUF parser did not load in the image: %r" % answer["parser"]
print("docker-smoke: parse ok (parser: %s)" % answer["parser"])'
}

if docker info >/dev/null 2>&1; then
    docker build -t "$TAG" .
    docker run --rm "$TAG" --help >/dev/null
    docker run --rm "$TAG" parse "$REQUEST" --json | check_parse
    echo "docker-smoke: ok (docker)"
    exit 0
fi

if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "docker-smoke: no Docker engine; installing podman and debootstrap"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman debootstrap >/dev/null
    else
        echo "docker-smoke: needs a Docker engine, or podman and debootstrap (as root on Debian: apt-get install podman debootstrap)" >&2
        exit 2
    fi
fi

if ! podman image exists "$BASE"; then
    rootfs=$(mktemp -d)
    echo "docker-smoke: debootstrap bookworm (about a minute)"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
        bookworm "$rootfs" >/dev/null
    tar -C "$rootfs" -c . | podman import - "$BASE" >/dev/null
    rm -rf "$rootfs"
fi

build=(--isolation=chroot --format docker --build-arg "BASE_IMAGE=$BASE" -t "$TAG")
if [ -f "$CA_BUNDLE" ]; then  # this machine's package traffic is checked against its own CA bundle
    build+=(-v "$CA_BUNDLE:$CA_BUNDLE:ro" --build-arg "PIP_CERT=$CA_BUNDLE")
fi
torch_wheel=$(ls /opt/wheels/torch-2.13.0+cpu-*.whl 2>/dev/null | head -n 1 || true)
if [ -n "$torch_wheel" ]; then  # the CPU torch lying on this machine's disk, instead of the PyTorch index
    build+=(-v /opt/wheels:/opt/wheels:ro --build-arg "TORCH_SOURCE=--find-links /opt/wheels")
fi
echo "docker-smoke: podman build (llama-cpp-python compiles inside: ~10 minutes on 2 cores)"
podman build "${build[@]}" .
podman image prune -f >/dev/null  # the builder stage's layers

root=$(podman image mount "$TAG")
home=$(mktemp -d)
chmod 777 "$home"
cleanup() {
    umount "$root/data" "$root/proc" 2>/dev/null || true
    podman image unmount "$TAG" >/dev/null || true
    rm -rf "$home"
}
trap cleanup EXIT
mount --bind "$home" "$root/data"
mount -t proc proc "$root/proc"
mapfile -t environment < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$TAG" | sed '/^$/d')
user=$(podman image inspect --format '{{.Config.User}}' "$TAG")
run() { chroot --userspec="$user:$user" "$root" /usr/bin/env -i "${environment[@]}" HOME=/data sommelier "$@"; }

run --help >/dev/null
echo "docker-smoke: sommelier --help ok"
run parse "$REQUEST" --json | check_parse
# the image's own healthcheck command, on the empty volume
health=$(podman image inspect --format '{{join .Config.Healthcheck.Test " "}}' "$TAG")
case "$health" in
    "CMD-SHELL "*) chroot --userspec="$user:$user" "$root" /usr/bin/env -i "${environment[@]}" HOME=/data \
        /bin/sh -c "${health#CMD-SHELL }" ;;
    *) echo "docker-smoke: the image has no healthcheck ($health)" >&2; exit 1 ;;
esac
echo "docker-smoke: healthcheck ok"
echo "docker-smoke: ok (podman image $TAG)"
