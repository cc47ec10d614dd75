"""Word lists for bench/archive.py: real Python projects, topics and phrases.

Kept apart from the generator so that archive.py reads as the algorithm.
"""
from __future__ import annotations

# name | GitHub owner/repo | what it does (completes "a tool to ...") | tags
_PROJECTS = """\
Django|django/django|build database-backed web sites quickly|django web orm
Flask|pallets/flask|write small web apps and APIs|flask web wsgi
FastAPI|tiangolo/fastapi|build typed web APIs on asyncio|fastapi web asyncio typing
Starlette|encode/starlette|serve lightweight ASGI applications|asgi web asyncio
Sanic|sanic-org/sanic|serve async web requests very fast|sanic web asyncio
Pyramid|Pylons/pyramid|grow a web app from small to large|pyramid web wsgi
aiohttp|aio-libs/aiohttp|make and serve HTTP requests with asyncio|aiohttp asyncio http
Requests|psf/requests|send HTTP requests for humans|requests http
HTTPX|encode/httpx|send sync and async HTTP requests|httpx http asyncio
Trio|python-trio/trio|write structured concurrent programs|trio async concurrency
uvloop|MagicStack/uvloop|speed up the asyncio event loop|uvloop asyncio performance
asyncpg|MagicStack/asyncpg|talk to PostgreSQL from asyncio|asyncpg postgresql asyncio
SQLAlchemy|sqlalchemy/sqlalchemy|map Python classes to SQL tables|sqlalchemy orm databases
Alembic|sqlalchemy/alembic|migrate database schemas|alembic databases migrations
Peewee|coleifer/peewee|query databases with a small ORM|peewee orm databases
Pydantic|pydantic/pydantic|validate data with type hints|pydantic validation typing
attrs|python-attrs/attrs|write classes without boilerplate|attrs classes
Marshmallow|marshmallow-code/marshmallow|serialize and validate objects|marshmallow serialization
NumPy|numpy/numpy|compute with fast n-dimensional arrays|numpy data-science arrays
pandas|pandas-dev/pandas|analyze tabular data|pandas data-science dataframes
Polars|pola-rs/polars|query data frames in parallel|polars dataframes performance
Dask|dask/dask|scale pandas and NumPy to clusters|dask parallel data-science
Matplotlib|matplotlib/matplotlib|plot charts for papers and notebooks|matplotlib visualization
Bokeh|bokeh/bokeh|draw interactive charts in the browser|bokeh visualization
Altair|altair-viz/altair|declare statistical charts|altair visualization
Plotly|plotly/plotly.py|make interactive graphs|plotly visualization
Dash|plotly/dash|build analytic web apps in Python|dash visualization web
Streamlit|streamlit/streamlit|turn scripts into data apps|streamlit data-science web
Jupyter|jupyter/notebook|explore code in notebooks|jupyter notebooks
JupyterLab|jupyterlab/jupyterlab|work in a notebook IDE|jupyterlab notebooks
scikit-learn|scikit-learn/scikit-learn|train classic machine learning models|scikit-learn machine-learning
PyTorch|pytorch/pytorch|train deep neural networks|pytorch deep-learning
TensorFlow|tensorflow/tensorflow|build and serve neural networks|tensorflow deep-learning
Keras|keras-team/keras|define deep learning models quickly|keras deep-learning
spaCy|explosion/spaCy|process natural language|spacy nlp
NLTK|nltk/nltk|teach and research natural language|nltk nlp
pytest|pytest-dev/pytest|write small and scalable tests|pytest testing
Hypothesis|HypothesisWorks/hypothesis|test properties with generated data|hypothesis testing
tox|tox-dev/tox|run tests across many environments|tox testing packaging
nox|wntrblm/nox|automate test sessions in Python|nox testing automation
coverage.py|nedbat/coveragepy|measure which lines your tests run|coverage testing
Playwright|microsoft/playwright-python|drive real browsers in tests|playwright testing browsers
Selenium|SeleniumHQ/selenium|automate web browsers|selenium testing browsers
mypy|python/mypy|check static types|mypy typing
Pyright|microsoft/pyright|type check large code bases fast|pyright typing
Black|psf/black|format code without arguments|black formatting
Ruff|astral-sh/ruff|lint Python code very fast|ruff linting rust
Flake8|PyCQA/flake8|lint code for style and errors|flake8 linting
isort|PyCQA/isort|sort imports|isort formatting
pre-commit|pre-commit/pre-commit|run checks before every commit|pre-commit git automation
pip|pypa/pip|install packages from PyPI|pip packaging
pipx|pypa/pipx|install command line apps in isolation|pipx packaging cli
Poetry|python-poetry/poetry|manage dependencies and packaging|poetry packaging
Hatch|pypa/hatch|manage Python projects and builds|hatch packaging
uv|astral-sh/uv|install packages and manage projects fast|uv packaging rust
Pipenv|pypa/pipenv|combine pip and virtual environments|pipenv packaging
twine|pypa/twine|upload packages to PyPI|twine packaging pypi
Cookiecutter|cookiecutter/cookiecutter|start projects from templates|cookiecutter templates
Click|pallets/click|build command line interfaces|click cli
Typer|tiangolo/typer|build CLIs from type hints|typer cli typing
Rich|Textualize/rich|print beautiful text in the terminal|rich terminal
Textual|Textualize/textual|build apps for the terminal|textual terminal tui
Jinja|pallets/jinja|render templates|jinja templates
Celery|celery/celery|run background tasks from a queue|celery tasks queues
RQ|rq/rq|queue jobs with Redis|rq redis queues
Redis-py|redis/redis-py|talk to Redis from Python|redis databases
Scrapy|scrapy/scrapy|crawl web sites and extract data|scrapy scraping
lxml|lxml/lxml|parse XML and HTML fast|lxml html xml
Pillow|python-pillow/Pillow|process images|pillow images
OpenCV|opencv/opencv-python|analyze images and video|opencv images computer-vision
Kivy|kivy/kivy|build cross-platform GUI apps|kivy gui mobile
BeeWare|beeware/toga|write native apps in Python|beeware gui mobile
PyInstaller|pyinstaller/pyinstaller|bundle apps into executables|pyinstaller packaging
Nuitka|Nuitka/Nuitka|compile Python to C|nuitka compilers performance
Cython|cython/cython|write C extensions in Python syntax|cython performance
Numba|numba/numba|JIT compile numeric functions|numba performance jit
PyPy|pypy/pypy|run Python faster with a JIT|pypy performance jit
MicroPython|micropython/micropython|run Python on microcontrollers|micropython hardware
CircuitPython|adafruit/circuitpython|program small boards from a USB drive|circuitpython hardware education
Home Assistant|home-assistant/core|automate your home|home-assistant iot
Ansible|ansible/ansible|automate servers over SSH|ansible devops automation
Fabric|fabric/fabric|run commands over SSH|fabric devops
Sentry|getsentry/sentry-python|report errors from production|sentry monitoring errors
OpenTelemetry|open-telemetry/opentelemetry-python|trace and measure services|opentelemetry monitoring observability
Loguru|Delgan/loguru|log without configuration pain|loguru logging
structlog|hynek/structlog|write structured logs|structlog logging
Pendulum|sdispater/pendulum|handle dates and time zones|pendulum datetime
Arrow|arrow-py/arrow|work with dates and times|arrow datetime
MkDocs|mkdocs/mkdocs|write project documentation in markdown|mkdocs documentation
Sphinx|sphinx-doc/sphinx|build documentation|sphinx documentation
Pelican|getpelican/pelican|generate static sites|pelican static-sites
Boto3|boto/boto3|use AWS services|boto3 aws cloud
Zappa|zappa/Zappa|deploy serverless apps on AWS Lambda|zappa serverless aws
Chalice|aws/chalice|write serverless microservices|chalice serverless aws
Pyodide|pyodide/pyodide|run Python in the browser|pyodide webassembly browsers
PyScript|pyscript/pyscript|write Python in HTML pages|pyscript webassembly browsers
Pyflame|uber/pyflame|profile running processes|pyflame profiling
py-spy|benfred/py-spy|sample running Python programs|py-spy profiling
Scalene|plasma-umass/scalene|profile CPU and memory|scalene profiling memory
Hypercorn|pgjones/hypercorn|serve ASGI over HTTP/2|hypercorn asgi http
Gunicorn|benoitc/gunicorn|serve WSGI apps in production|gunicorn wsgi deployment
"""

PROJECTS = [
    dict(name=name, repo=repo, task=task, tags=tags.split())
    for name, repo, task, tags in (line.split("|") for line in _PROJECTS.splitlines())
]

# About 150 lowercase topic tags.
TOPICS = """
python3 python2 releases pep typing asyncio concurrency threading multiprocessing gil
performance profiling memory packaging pypi wheels virtualenv dependencies security
cryptography testing tdd mocking fixtures ci github-actions docker kubernetes devops
cloud aws azure gcp serverless web http rest graphql websockets templates orm databases
postgresql sqlite mongodb redis caching queues logging monitoring observability errors
debugging ides vscode pycharm vim editors notebooks data-science dataframes visualization
machine-learning deep-learning nlp computer-vision statistics science astronomy biology
finance education beginners community pycon europython conferences meetups podcasts books
courses documentation markdown static-sites cli terminal tui gui mobile games hardware
iot raspberry-pi micropython embedded robotics automation scraping html css javascript
webassembly browsers rust c-extensions cython jit compilers interpreters bytecode ast
dataclasses pattern-matching f-strings walrus decorators generators iterators context-managers
metaclasses descriptors imports modules stdlib pathlib datetime json yaml toml csv regex
unicode i18n accessibility licensing open-source governance psf funding diversity jobs
interviews careers refactoring code-review linting formatting style-guides architecture apis
""".split()

HOSTS = {
    "michael": dict(name="Michael Kennedy", bio="Founder of Talk Python and co-host of Python Bytes."),
    "brian": dict(name="Brian Okken", bio="Author of *Python Testing with pytest* and co-host of Python Bytes."),
}

FIRST = """Ada Grace Nina Victor Emily Sebastian Paul Lorena Dustin Jacqueline Pablo Sofia Amir
Chidi Hannah Oskar Mei Rafael Ingrid Tomás Aisha Jonas Keiko Marek Zara Felix""".split()
LAST = """Okafor Lindqvist Moreau Ferreira Kowalski Nakamura Haddad Müller Andersen Tanaka
Brennan Castillo Novak Oyelaran Petrov Quinn Sørensen Varga Whitfield Yilmaz Abernathy Dubois""".split()

GUEST_ROLES = [
    "core developer", "maintainer of several testing plugins", "data scientist",
    "author and trainer", "web developer", "PSF fellow", "conference organizer",
    "developer advocate", "open source maintainer", "teacher and author",
]

SPONSORS = [
    ("rollbar", "Rollbar", "https://rollbar.com/pythonbytes", "Rollbar tracks errors with the call stack and the local variables."),
    ("datadog", "Datadog", "https://www.datadoghq.com/pythonbytes", "Monitoring, tracing and logs for your Python apps."),
    ("linode", "Linode", "https://www.linode.com/pythonbytes", "Simple, affordable Linux servers in the cloud."),
    ("digitalocean", "DigitalOcean", "https://www.digitalocean.com/pythonbytes", "Droplets, managed databases and apps for developers."),
    ("sentry", "Sentry", "https://sentry.io/for/python/", "Error monitoring that tells you which line broke."),
    ("pycharm", "PyCharm", "https://www.jetbrains.com/pycharm/", "The Python IDE for professional developers."),
    ("talkpython-training", "Talk Python Training", "https://training.talkpython.fm", "Online Python courses for developers."),
    ("techmeme", "Techmeme Ride Home", "https://www.techmeme.com/ridehome", "The day's tech news in 15 minutes."),
    ("auth0", "Auth0", "https://auth0.com/pythonbytes", "Authentication and authorization as a service."),
    ("scout-apm", "Scout APM", "https://scoutapm.com/pythonbytes", "Application monitoring for Django and Flask."),
]

ITEM_TITLES = [
    "{Name} {version} released",
    "{Name}: {task}",
    "Using {Name} to {task}",
    "Why we moved to {Name}",
    "A tour of {Name}",
    "{Name} and {topic}",
    "{Name} {version}, now with better {topic}",
    "How to {task} with {Name}",
    "Lessons from {years} years of {Name}",
    "Is {Name} the best way to {task}?",
]

NOTES = [
    "Lets you {task} without much setup.",
    "The new release improves `{topic}` support.",
    "Install with `pip install {pkg}`.",
    "Works with Python 3.{minor} and newer.",
    "The docs have a good section on {topic}.",
    "Plays well with {other} if you already use it.",
    "Written by the {role} behind a few other popular packages.",
    "Has **{stars}** stars on GitHub.",
    "A nice example of {topic} done right.",
    "The changelog lists {count} fixes and a few breaking changes.",
    "Great for anyone who needs to {task}.",
    "Check out the comparison with {other} in the README.",
]

SAY = [
    "So {Name} is a way to {task}, and I think that's really neat.",
    "I tried {Name} on a small project this week and it just worked.",
    "The thing I like about {Name} is how it handles {topic}.",
    "If you're doing {topic} you probably already have {other} in your stack, and {Name} fits right next to it.",
    "They also talk about {topic} in the docs, which surprised me.",
    "You just pip install {pkg} and you're off.",
    "That headline, {title}, is what caught my eye.",
    "The README for {Name} opens with a short example, and you get the idea in a minute.",
    "I was a little skeptical about {Name} at first, but the {topic} story convinced me.",
    "If you've ever needed to {task}, you know how painful it used to be.",
    "Compared to {other}, {Name} makes different trade-offs, and that's fine.",
    "Someone on our team started using {Name} for {topic} and we never looked back.",
    "The release notes mention a bunch of small fixes around {topic}.",
    "It's one of those projects where the tests and the docs are both really good.",
    "I'd love to hear from listeners who use {Name} in production.",
    "There's also a conference talk about it, we'll put the link in the show notes.",
    "I remember when we covered {other} a while back, and this feels like the next step.",
    "There's a good write-up about {topic} that goes along with it.",
    "It supports Python 3.{minor} and up, so no excuses there.",
    "What I really appreciate is that the error messages are readable.",
    "People in the comments were asking how it compares with {other}.",
    "The maintainers have been really responsive on the issue tracker.",
    "And honestly for {topic} that's a big deal.",
    "I think a lot of people will want to {task} with this.",
]

FILLER = [
    "Yeah, exactly.", "That's cool.", "Nice.", "Oh, interesting.", "Right.",
    "Yeah, I agree.", "That's a good point.", "I didn't know that.", "Very cool.",
    "Absolutely.", "Huh, that's clever.", "I'm going to try that.",
]

JOKES = [
    ("import antigravity", "https://xkcd.com/353/"), ("Exploits of a Mom", "https://xkcd.com/327/"),
    ("Compiling", "https://xkcd.com/303/"), ("Standards", "https://xkcd.com/927/"),
    ("Tar", "https://xkcd.com/1168/"), ("Python Environment", "https://xkcd.com/1987/"),
    ("Dependency", "https://xkcd.com/2347/"), ("Code Quality", "https://xkcd.com/1513/"),
    ("Real Programmers", "https://xkcd.com/378/"), ("Automation", "https://xkcd.com/1319/"),
    ("Is It Worth the Time?", "https://xkcd.com/1205/"), ("Good Code", "https://xkcd.com/844/"),
]

# Made-up project names, one per "known answer" episode (see archive.known_answers).
FAKE_HEADS = "zephyr quill marzi tundra fable glint nimbo orbix vesper kobalt lumen brisko pelago quasar".split()
FAKE_TAILS = "log kit flow cast forge mq lint scope wire vault".split()
FAKE_TASKS = [
    "ship structured logs from asyncio apps", "diff large CSV files", "cache expensive function calls on disk",
    "validate TOML configuration files", "stream sensor data to dashboards", "schedule jobs across workers",
    "render markdown slides", "fuzz HTTP APIs", "snapshot test command line output", "migrate SQLite schemas",
]
