# tpserve in a container: serves /srv/www on port 8080 as an unprivileged user.
#   docker build -t tpserve .            (or podman: see scripts/container-test.sh)
#   docker run --rm -p 8080:8080 tpserve
#   docker run --rm -p 8080:8080 -v "$PWD/site:/srv/www:ro" tpserve
# Arguments after the image name are appended to tpserve's command line
# (e.g. `--workers 2 --log-level debug`).
# I/O engine: under Docker's default seccomp profile (Docker >= 25 refuses
# io_uring with EPERM; Podman with ENOSYS) tpserve runs epoll; to run
# io_uring, allow it with the profile in config/ (also in the image,
# /etc/tpserve/seccomp-io_uring.json):
#   docker run --rm -p 8080:8080 --security-opt seccomp=config/seccomp-io_uring.json tpserve
# The start-up line says which runs: docker logs CONTAINER | grep 'I/O engine'
# The admin listener (/metrics, /healthz, /readyz) is off, as in every
# default config; to turn it on, append `--admin-listen 0.0.0.0:9145` to the
# run command, or mount a config with `admin: {listen: "0.0.0.0:9145"}` over
# /etc/tpserve/default.yaml (docs/docker.md).
# scripts/container-test.sh builds this file with podman and runs the image
# (both seccomp profiles, GET / and a range, uid 10001, exit 0 on stop).

# --- build: the same scripts as on a developer's machine -------------------
FROM debian:12 AS build
WORKDIR /src
# Packages first, so editing the sources does not re-install them.
COPY scripts/setup.sh scripts/setup.sh
RUN scripts/setup.sh
COPY . .
RUN scripts/build.sh release tpserve

# --- runtime: the binary, its shared libraries, the config and the site ----
FROM debian:12-slim
# The shared libraries of build/release/tpserve beyond those of debian:12-slim
# (from `ldd` + `dpkg -S`; scripts/container-test.sh checks the list in the
# image: none missing, none unused).
ARG RUNTIME_PACKAGES="libyaml-cpp0.7 libboost-program-options1.74.0 liburing2"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tpserve \
 && useradd --system --uid 10001 --gid tpserve --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin tpserve
COPY --from=build /src/build/release/tpserve /usr/local/bin/tpserve
# config/ holds default.yaml and seccomp-io_uring.json (see config/README.md).
COPY config/ /etc/tpserve/
COPY www/ /srv/www/
USER 10001:10001
EXPOSE 8080
# No HEALTHCHECK: the slim image has no HTTP client (no curl, no wget) and
# adding one only for this is not worth its size and attack surface; the
# health endpoints are on the admin listener, off by default; and the
# orchestrator's own HTTP probe (Kubernetes: deploy/kubernetes/deployment.yaml)
# is the better check. (podman also drops HEALTHCHECK from OCI-format images.)
ENTRYPOINT ["/usr/local/bin/tpserve", "--config", "/etc/tpserve/default.yaml", "--root", "/srv/www", "--listen", "0.0.0.0:8080", "--access-log", "stdout"]
