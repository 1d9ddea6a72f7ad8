# The builder image: Debian with buildah, Node 20 and the built app; the CLI is the entrypoint.
# As root (the default user), run it privileged: docker run --privileged IMAGE <args…>. As the user `builder`, which
# has a subordinate id range, buildah builds rootless: docker run --user builder --security-opt seccomp=unconfined
# --security-opt apparmor=unconfined --device /dev/fuse IMAGE <args…> (deploy/README.md says why each option).
#
# Behind a TLS-intercepting proxy, give its CA as a build secret; it is used by the steps that fetch and never
# stored in a layer:  docker build --secret id=flops-ca,src=proxy-ca.pem -t flops-image-builder .
# NODE_IMAGE names another Node 20 image on Debian 12 (a mirror of it, or a local one where Docker Hub is out of reach).
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY fl-templates/runtime/with-build-secrets.sh /usr/local/bin/
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=flops-ca with-build-secrets.sh npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
# python3 parses the user's code in the validate phase and, in a virtual environment (python3-venv), runs the
# resolve phase's pip; fuse-overlayfs lets buildah use overlay storage inside a container whose own root filesystem
# is already an overlay; uidmap's newuidmap and newgidmap map the subordinate ids of a rootless build;
# qemu-user-static runs an arm64 image's python to check it before the push (installed without binfmt-support, so
# nothing is registered with the kernel: the builder calls the emulator itself).
RUN apt-get update \
 && apt-get install -y --no-install-recommends buildah fuse-overlayfs uidmap qemu-user-static git python3 \
        python3-venv ca-certificates squashfs-tools siftool \
 && rm -rf /var/lib/apt/lists/*
COPY docker/storage.conf /etc/containers/storage.conf
# The rootless user: UID and GID 1000 (the Node image's `node`, renamed), 65536 subordinate ids, and its storage
# folder owned by it, so that a new volume mounted there is too.
RUN if id node >/dev/null 2>&1; then userdel --remove node; fi \
 && useradd --uid 1000 --user-group --create-home --shell /bin/sh builder \
 && echo 'builder:100000:65536' > /etc/subuid \
 && echo 'builder:100000:65536' > /etc/subgid \
 && mkdir -p /home/builder/.local/share/containers \
 && chown -R builder:builder /home/builder/.local
# chroot isolation needs no runtime daemon and works in a privileged container; image layers go to a
# volume so they are not stacked on the container's own overlay.
ENV BUILDAH_ISOLATION=chroot NODE_ENV=production
VOLUME /var/lib/containers
WORKDIR /opt/flops-image-builder
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# The FLOps manager starts the builder as `python3 main.py <args…>` in this folder (Oakestra replaces the ENTRYPOINT).
COPY docker/builder-main.py ./main.py
COPY fl-templates ./fl-templates
COPY scripts/prepare-pip-venv.mjs ./scripts/
# The resolve phase's pip, made now so that no job pays for it (a job remakes it only if it is broken).
ENV FLOPS_PIP_VENV=/opt/flops-image-builder/pip-venv
RUN --mount=type=secret,id=flops-ca fl-templates/runtime/with-build-secrets.sh node scripts/prepare-pip-venv.mjs
ENTRYPOINT ["/opt/flops-image-builder/bin/flops-image-builder"]
