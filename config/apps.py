from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """Collect only the front-end files the pages load: npm packages ship every build
    (ECharts' dist is 51 MB of variants and source maps), which would cost minutes of
    compression at each collectstatic and space on every server."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
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
