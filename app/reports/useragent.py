"""A short, readable description of a browser from its User-Agent header (no fingerprinting)."""
import re

BROWSERS = [
    ("SamsungBrowser", r"SamsungBrowser/(\d+)", "Samsung Internet"),
    ("Edg", r"Edg[A-Za-z]*/(\d+)", "Edge"),
    ("OPR", r"OPR/(\d+)", "Opera"),
    ("Firefox", r"Firefox/(\d+)", "Firefox"),
    ("Chrome", r"Chrome/(\d+)", "Chrome"),
    ("Chromium", r"Chromium/(\d+)", "Chromium"),
    ("Safari", r"Version/(\d+)", "Safari"),
]
SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def describe(user_agent):
    """For example "Firefox 140 sous Windows"; empty when unknown."""
    value = user_agent or ""
    browser = ""
    for marker, pattern, name in BROWSERS:
        if marker in value:
            match = re.search(pattern, value)
            browser = f"{name} {match.group(1)}" if match else name
            break
    system = next((name for marker, name in SYSTEMS if marker in value), "")
    if browser and system:
        return f"{browser} sous {system}"
    return browser or system
