"""The upload form of a module's SCORM package."""
from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.common.forms import BaseForm

REQUIRED = "Choisissez un fichier."


class PackageUploadForm(BaseForm):
    package = FileField(
        "Paquet SCORM (.zip)",
        description="SCORM 1.2 ou 2004, 30 Mo au plus. Une nouvelle version du module est créée ; la progression "
                    "des agents sur la version précédente est conservée.",
        validators=[FileRequired(REQUIRED), FileAllowed(["zip"], "Choisissez un fichier .zip.")],
    )
