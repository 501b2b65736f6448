# Werkbank — the two set-up commands are `make run` and `make test`; both
# install what is missing on a fresh Debian 12 machine first (.ci/deps).

GO       ?= go
DATA     ?=
PKGS     := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test check unit screenshot bench build server deps

## run: open the desktop window (demo content on first start; DATA=dir picks the data folder)
run: deps
	$(GO) run . $(if $(DATA),--data $(DATA))

## test: formatting, vet, staticcheck, all tests with -race, and a screenshot of the real window
test: deps check unit screenshot

deps:
	@.ci/deps
	@$(GO) mod download

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

unit:
	LANG=en_US.UTF-8 $(GO) test -race -timeout 25m $(PKGS)

build:
	$(GO) build -o bin/werkbank .

server:
	CGO_ENABLED=0 $(GO) build -o bin/werkbank-server ./cmd/werkbank-server

screenshot: build server
	.ci/screenshot bin/werkbank out/screenshot.png

## bench: the speed and memory goals (large generated corpora; takes a while)
bench: deps
	LANG=en_US.UTF-8 $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 90m ./kb/ ./cases/ ./logs/ ./remote/ ./sync/ ./cli/ ./app/
