"""Where a nested stack's template is on disk, if it is.

``AWS::CloudFormation::Stack`` names its template by ``TemplateURL``. Before ``aws cloudformation
package`` (or ``sam package``) uploads it, that is a path relative to the parent template, as in
``TemplateURL: ./network.yaml``; after, an S3 URL we cannot read. A user can map either the
stack's logical ID (``Network``, ``Network/Subnets`` for a stack inside it) or the URL to a local
file with ``--nested-template KEY=PATH``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_ip_lint.values import Value

# Nested stacks followed below a top-level template; AWS allows deeper nesting, real templates
# use two or three levels.
MAX_NESTING = 8


@dataclass(frozen=True)
class Context:
    """What a whole run shares while reading templates."""

    # --nested-template: logical ID path or TemplateURL -> local template file.
    nested_templates: Mapping[str, str] = field(default_factory=dict)


def nested_template_path(address: str, url: Value, parent: str, given: Mapping[str, str]) -> str | None:
    """The local file of nested stack ``address`` (its logical ID path), or None when its
    template is remote or unknown. A path given on the command line wins over the TemplateURL."""
    if address in given:
        return given[address]
    if not isinstance(url, str) or not url:
        return None
    if url in given:
        return given[url]
    local = url[len("file://") :] if url.startswith("file://") else url
    if "://" in local or local.startswith("s3:"):
        return None
    return os.path.normpath(os.path.join(os.path.dirname(parent), local))
