from django.contrib.staticfiles.finders import FileSystemFinder

# npm packages ship every build (ECharts' dist is 51 MB of variants and source maps):
# collectstatic takes only the files the pages load, instead of minutes of compression.
UNUSED = [
    "echarts*.map",
    "*.mjs",
    "*.ts",
    "*.cjs.js",
    "*.amd.js",
    "*.esm.js",
    "*.esm.min.js",
    "*.gz",
    "echarts.js",
    "echarts.common*",
    "echarts.simple*",
    "extension",
    "ext",
    "htmx.js",
    "package.json",
]


class UsedFilesFinder(FileSystemFinder):
    """STATICFILES_DIRS, less the front-end package files no page loads."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNUSED])
