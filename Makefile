# Every target a developer or CI needs. CI (.ci/run) runs `make test` and `make demo`.
CARGO ?= cargo
PREFIX ?= /usr/local
DESTDIR ?=
# The target `make dist`, `make install` and `make deb` build for: the host unless named.
TARGET ?= $(shell rustc -vV | sed -n 's/^host: //p')
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
DIST_NAME := jwtctl-$(VERSION)-$(TARGET)
DIST_DIR := target/dist

.PHONY: build test lint unit demo dist install deb completions man bench audit fuzz clean

# The ordinary release build: target/release/jwtctl.
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

# Builds jwtctl (debug, the build `make test` already made) and runs the whole token lifecycle
# against a temporary file store, printing each step.
demo:
	sh scripts/demo.sh "$$(bash scripts/built-binary.sh)"

# The static release binary (scripts/built-binary.sh --static explains why static), with its man
# pages, completions, README and licences, as target/dist/jwtctl-VERSION-TARGET.tar.gz and a
# .sha256 beside it.
dist:
	rm -rf $(DIST_DIR)/$(DIST_NAME)
	mkdir -p $(DIST_DIR)/$(DIST_NAME)/man $(DIST_DIR)/$(DIST_NAME)/completions
	bin="$$(TARGET=$(TARGET) bash scripts/built-binary.sh --static)" && \
	    install -m 0755 "$$bin" $(DIST_DIR)/$(DIST_NAME)/jwtctl
	$(DIST_DIR)/$(DIST_NAME)/jwtctl man --dir $(DIST_DIR)/$(DIST_NAME)/man
	install -m 0644 completions/jwtctl.bash completions/_jwtctl completions/jwtctl.fish \
	    $(DIST_DIR)/$(DIST_NAME)/completions/
	install -m 0644 README.md LICENSE-MIT LICENSE-APACHE $(DIST_DIR)/$(DIST_NAME)/
	tar -C $(DIST_DIR) --sort=name --owner=0 --group=0 --numeric-owner \
	    -czf $(DIST_DIR)/$(DIST_NAME).tar.gz $(DIST_NAME)
	cd $(DIST_DIR) && sha256sum $(DIST_NAME).tar.gz > $(DIST_NAME).tar.gz.sha256
	@echo "dist: $(DIST_DIR)/$(DIST_NAME).tar.gz"

# Installs what `make dist` packs: the same static binary, its man pages and completions.
install: dist
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(DIST_DIR)/$(DIST_NAME)/jwtctl $(DESTDIR)$(PREFIX)/bin/jwtctl
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(DIST_DIR)/$(DIST_NAME)/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 completions/jwtctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/jwtctl
	install -d $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 completions/_jwtctl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_jwtctl
	install -d $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0644 completions/jwtctl.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/jwtctl.fish

# A Debian package of the same static binary ([package.metadata.deb] in Cargo.toml), built with
# cargo-deb from crates.io (installed on first use): target/debian/jwtctl_VERSION-1_ARCH.deb.
deb: dist
	$(CARGO) deb --version >/dev/null 2>&1 || $(CARGO) install --locked cargo-deb
	rm -rf target/deb-assets
	mkdir -p target/deb-assets
	cp -R $(DIST_DIR)/$(DIST_NAME)/man target/deb-assets/man
	$(CARGO) deb --no-build --target $(TARGET)

# Regenerates the committed completion scripts (a test fails when they are stale).
completions:
	$(CARGO) run --quiet --locked -- completions --dir completions

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
