# kaohe — the commands a person types. CMake does the building; this file
# names the configurations and installs what is missing first.
#
#   make run    install deps, build, build the demo district's database, serve it on :8080
#   make test   install deps, build (gcc + ASan/UBSan, clang + libFuzzer), run every test
#   make fuzz   run each fuzz target for longer (FUZZ_SECONDS, default 300)
#   make format apply .clang-format to every first-party C file
JOBS ?= 2
FUZZ_SECONDS ?= 300
CMAKE ?= cmake

.PHONY: all deps test-deps build run test test-build fuzz-build fuzz format clean

all: build

deps:
	@sh tools/install-deps.sh run
	@$(MAKE) --no-print-directory node_modules

test-deps:
	@sh tools/install-deps.sh test
	@$(MAKE) --no-print-directory node_modules

# The web app's npm packages (ECharts, compiled into the binary; playwright-core
# for the browser tests): npm ci when node_modules is missing or older than
# package-lock.json.
node_modules: package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

build: deps
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
	$(CMAKE) --build build -j $(JOBS)

# The demo district: its database is built from the demo's CSV sources
# (build/demo.db; importing again changes nothing) with the demo accounts,
# then the server runs on it at http://127.0.0.1:8080 until Ctrl-C.
# LISTEN=:8080 serves every address.
LISTEN ?= 127.0.0.1:8080
run: build
	./build/kaohe demo --db build/demo.db
	./build/kaohe serve --db build/demo.db --listen $(LISTEN)

test-build: test-deps
	$(CMAKE) -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
	    -DKH_SANITIZE=ON -DKH_WERROR=ON
	$(CMAKE) --build build-test -j $(JOBS)

fuzz-build: test-deps
	$(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	    -DKH_FUZZ=ON -DKH_WERROR=ON -DKH_FUZZ_SECONDS=$(or $(SECONDS_EACH),5)
	$(CMAKE) --build build-fuzz -j $(JOBS)

test: test-build fuzz-build
	cd build-test && ctest --output-on-failure -j $(JOBS)
	cd build-fuzz && ctest --output-on-failure -j $(JOBS)

fuzz:
	$(MAKE) fuzz-build SECONDS_EACH=$(FUZZ_SECONDS)
	cd build-fuzz && ctest --output-on-failure

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-test build-fuzz node_modules

# make bench: install the peers (bench/deps.sh), build at -O2 with the
# benchmark programs (-DKH_BENCH=ON: bench/gen.c, bench/khbench.c), generate
# the data once into bench/data/, then run kaohe and SQLite, DuckDB and
# pandas side by side on the same full score (bench/run.sh; about 15 minutes
# for all four workloads on 2 cores). WORKLOADS picks some of them.
WORKLOADS ?= district province nation villages
.PHONY: bench bench-deps bench-build bench-http

bench-deps:
	@sh bench/deps.sh

bench-build: bench-deps node_modules
	$(CMAKE) -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
	    -DKH_BENCH=ON
	$(CMAKE) --build build-bench -j $(JOBS)

bench: bench-build
	sh bench/run.sh $(WORKLOADS)

# make bench-http: the load benchmark of kaohe serve against nginx serving the
# same JSON as static files (bench/http.sh; docs/performance.md).
bench-http: bench-build
	sh bench/http.sh
