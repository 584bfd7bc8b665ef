"""The framework's ceiling: a bare Flask app answering `ok`, served like the real app by `make bench`."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def ok():
    return "ok"
