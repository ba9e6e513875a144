# Every target a developer or CI needs. `make test` is what CI runs.
CARGO ?= cargo
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: build test lint unit install completions man bench audit fuzz clean

build:
	$(CARGO) build --release --locked

# Format check, lints with warnings as errors, then every test (unit, integration, doc, and the
# interop suites in tests/interop/: Node jsonwebtoken and jose, and PyJWT, which need node, npm
# and python3 with venv).
test: lint unit

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

unit:
	$(CARGO) test --locked --all-targets
	$(CARGO) test --locked --doc

install: man
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 "$$(bash scripts/built-binary.sh --release)" $(DESTDIR)$(PREFIX)/bin/jwtctl
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 target/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 completions/jwtctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/jwtctl
	install -d $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 completions/_jwtctl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_jwtctl
	install -d $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0644 completions/jwtctl.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/jwtctl.fish

# Regenerates the committed completion scripts (a test fails when they are stale).
completions:
	$(CARGO) run --quiet --locked -- completions --dir completions

# With the release binary that install copies: one build, not a release and a debug one.
man:
	"$$(bash scripts/built-binary.sh --release)" man --dir target/man

bench:
	$(CARGO) bench --locked
	bash benches/store_process.sh
	bash benches/remote_process.sh
	bash benches/compare.sh

audit:
	bash scripts/audit.sh

fuzz:
	bash scripts/fuzz.sh

clean:
	$(CARGO) clean
