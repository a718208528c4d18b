# The two commands of the README:
#   make run    install what is needed, build the pages' assets, run the hub (demo)
#   make test   install what is needed, then run every test, the browser test included
.PHONY: run test assets deps browser build hubctl bench load clean

# hubctl's downloads are built beside the running hub, at low priority, so
# that the hub starts at once; /hubctl lists each one as it is ready.
run: assets
	@nice -n 19 $(MAKE) -s hubctl >/dev/null 2>&1 &
	go run ./cmd/hub

test: assets browser
	go vet ./...
	go test -timeout 60m ./...

# Front-end packages from npm (pinned in package-lock.json), then the stylesheet and scripts.
deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: deps
	npm run --silent build

# The browser test needs Chromium; Debian's package is installed when it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's chromium package, or the browser test is skipped"; fi; }

build: assets hubctl
	go build -o bin/hub ./cmd/hub
	go build -o bin/hubctl ./cmd/hubctl

# hubctl for each partner's computer, offered for download on /hubctl from
# bin/downloads (the hub's hubctl_dir). Built by build, beside the hub by run, not by test.
HUBCTL_TARGETS = linux/amd64 linux/arm64 darwin/arm64 darwin/amd64 windows/amd64
hubctl:
	@mkdir -p bin/downloads
	@for t in $(HUBCTL_TARGETS); do \
	  os=$${t%/*}; arch=$${t#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
	  echo "hubctl for $$os/$$arch"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags "-s -w" -o bin/downloads/hubctl-$$os-$$arch$$ext ./cmd/hubctl || exit 1; \
	done

bench:
	go test -run '^$$' -bench . -benchmem ./...

# Slow clients and oversized returns against a hub running on this machine (see README, Load).
HUB ?= http://127.0.0.1:8080
load:
	go run ./cmd/hubload -hub $(HUB)

clean:
	rm -rf bin node_modules adapters/web/assets/dist/*.css adapters/web/assets/dist/*.js
