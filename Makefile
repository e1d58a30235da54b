# The two commands of the README: `make demo` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test lint format messages install install-dev serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The product with demo data: SQLite and the filesystem broker under var/, unless
# DATABASE_URL and REDIS_URL say otherwise. Web, worker and beat under honcho.
# Once the server answers, a burst of simulated, signed Facebook and X deliveries
# fills the inbox; the webhook secrets below are for the demo only.
demo: export DEBUG ?= true
demo: export SOCIAL_SANDBOX ?= true
demo: export FACEBOOK_APP_SECRET ?= demo-only-facebook-app-secret
demo: export FACEBOOK_VERIFY_TOKEN ?= demo-only-facebook-verify-token
demo: export X_CONSUMER_SECRET ?= demo-only-x-consumer-secret
# Links in the demo's emails point at the port it runs on.
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py load_strategy
	$(BIN)/python manage.py train_triage --if-none
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py seed_history --if-empty
	@echo
	@echo "  socialstrategy is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Log in as kommunikasjon or kollega (communication unit), leder (manager) or ansatt (employee);"
	@echo "  the password is demo. The admin is at /admin/ (admin / demo). Stop with Ctrl-C."
	@echo "  40 simulated Facebook and X posts arrive in the inbox once the server answers;"
	@echo "  120 days of answered posts are behind them, for the reports at /reports/."
	@echo
	($(BIN)/python manage.py simulate_traffic --wait-for-server 120 --count 40 --rate 4 &)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --procfile Procfile --port $(PORT)

# The whole test suite. Uses PostgreSQL when DATABASE_URL is set and Redis when
# REDIS_URL is set; without them it runs on SQLite and says which tests it skipped.
# Without services the suite runs on two processes (pytest-xdist); with them (CI) in one,
# so that the fault tests' timings have the machine to themselves.
PYTEST_PROCESSES ?= $(if $(DATABASE_URL),0,2)
test: install-dev
	$(BIN)/pytest -n $(PYTEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the bokmål translations after changing user-facing strings (needs gettext).
messages: install-dev
	DEBUG=true $(BIN)/python manage.py makemessages --locale nb --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	DEBUG=true $(BIN)/python manage.py compilemessages --locale nb --ignore '.venv/*'

clean:
	rm -rf var/broker var/staticfiles var/celerybeat-schedule*
