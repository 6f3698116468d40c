# eks-ip-lint as a container image (docs/integrations/ci.md#container-image):
#
#   docker build -t eks-ip-lint .
#   docker run --rm --network none -v "$PWD:/src:ro" eks-ip-lint infra
#
# The image holds eks-ip-lint and its dependencies, installed from wheels built in the first
# stage: nothing is downloaded at run time (it runs with --network none), and it runs as a
# non-root user. /src is the working directory: mount the repository there, and name paths
# relative to it so reports point at the repository's files.
ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS build
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
RUN python -m pip wheel --no-cache-dir --disable-pip-version-check --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --disable-pip-version-check --no-index /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 eks-ip-lint
# The parse and result caches go where any user may write (pre-commit's docker_image hooks run
# the container as the calling user, whose home is not in the image).
ENV XDG_CACHE_HOME=/tmp/eks-ip-lint-cache \
    PYTHONDONTWRITEBYTECODE=1
USER eks-ip-lint
WORKDIR /src
ENTRYPOINT ["eks-ip-lint"]
