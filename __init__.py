"""connectedness: audit how connected a brand's website is.

The repository root is the package: ``crawler/`` fetches a site into a
``SiteSnapshot``, ``storage/`` keeps every scan, ``cli.py`` wires them to the
``connectedness`` command. See README.md for the tour.

Installed as the ``connectedness-audit`` distribution: ``connectedness`` on the
package index is an unrelated project. Metadata lookups use that name; the
import name and the command are ``connectedness``.
"""

__version__ = "0.1.0"

PROJECT_URL = "https://github.com/connectedness-audit/connectedness"
