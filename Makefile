# Builds libfluvio with cargo and installs it for C, C++, Go, Zig, Swift,
# pkg-config and CMake users.
#
#   make                       cargo build --release --lib
#   make install               build, then install under /usr/local
#   make install PREFIX=/usr DESTDIR=/tmp/stage   stage a package
#   make uninstall PREFIX=...  remove what install put there
#
# It installs
#   $(LIBDIR)/libfluvio.so.X.Y.Z (soname libfluvio.so.X) and the symlinks
#       libfluvio.so.X and libfluvio.so
#   $(LIBDIR)/libfluvio.a
#   $(INCLUDEDIR)/fluvio.h, $(INCLUDEDIR)/fluvio.hpp (the header-only C++17
#   bindings), $(INCLUDEDIR)/fluvio_testing.h (test aids) and
#   $(INCLUDEDIR)/fluvio/module.modulemap (Swift)
#   $(LIBDIR)/pkgconfig/fluvio.pc
#   $(LIBDIR)/cmake/fluvio/fluvioConfig.cmake and fluvioConfigVersion.cmake
#
# The installed libraries are stripped: the release profile keeps symbols in
# target/ for profiling the benchmarks, users get none of that. The static
# library also loses the LLVM bitcode rustc embeds for cross-crate LTO (194 MB
# of the release build's 216 MB), which a C linker never reads.
#
# PROFILE=debug installs the development build (cargo's `dev` profile, in
# target/debug) instead of the release build. NO_BUILD=1 installs what
# target/$(PROFILE) already holds without running cargo: the test suite
# installs the build it made, which a cargo build from inside `cargo test`
# would redo (the tests' dev-dependencies change the features the library
# was last built with).

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR    ?=
PROFILE    ?= release
CARGO      ?= cargo
STRIP      ?= strip
INSTALL    ?= install

# target/<dir> is named after the profile, except that `dev` lives in debug.
ifeq ($(PROFILE),debug)
CARGO_PROFILE := dev
else
CARGO_PROFILE := $(PROFILE)
endif
TARGET_DIR ?= target
OUT        := $(TARGET_DIR)/$(PROFILE)

# The package version, from Cargo.toml: the first `version = "..."` line is
# the [package] one.
VERSION := $(shell sed -n 's/^version = "\([0-9]*\.[0-9]*\.[0-9]*\)"$$/\1/p' Cargo.toml | head -n 1)
MAJOR   := $(word 1,$(subst ., ,$(VERSION)))
MINOR   := $(word 2,$(subst ., ,$(VERSION)))
ifeq ($(VERSION),)
$(error no version = "X.Y.Z" line in Cargo.toml)
endif

# What Rust's std needs from the system when libfluvio.a is linked into a
# program: `cargo rustc --release --lib --crate-type staticlib -- --print
# native-static-libs` lists them.
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

SHARED_NAME := libfluvio.so.$(VERSION)
PKGCONFIGDIR := $(LIBDIR)/pkgconfig
CMAKEDIR     := $(LIBDIR)/cmake/fluvio

empty :=
space := $(empty) $(empty)

# Substitutions for the files under packaging/. The CMake config locates the
# install from its own directory, so it needs the paths relative to PREFIX.
relative = $(shell realpath -m --relative-to='$(2)' '$(1)')
SUBSTITUTE = sed \
	-e 's|@PREFIX@|$(PREFIX)|g' \
	-e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@MAJOR@|$(MAJOR)|g' \
	-e 's|@MINOR@|$(MINOR)|g' \
	-e 's|@STATIC_LIBS@|$(STATIC_LIBS)|g' \
	-e 's|@STATIC_LIBS_CMAKE@|$(subst $(space),;,$(patsubst -l%,%,$(STATIC_LIBS)))|g' \
	-e 's|@SIZEOF_VOID_P@|$(shell echo $$(( $$(getconf LONG_BIT) / 8 )))|g' \
	-e 's|@CMAKEDIR_TO_PREFIX@|$(call relative,$(PREFIX),$(CMAKEDIR))|g' \
	-e 's|@LIBDIR_FROM_PREFIX@|$(call relative,$(LIBDIR),$(PREFIX))|g' \
	-e 's|@INCLUDEDIR_FROM_PREFIX@|$(call relative,$(INCLUDEDIR),$(PREFIX))|g'

all: build

# cargo decides what is stale; with nothing to do it returns in a second.
build:
	$(CARGO) build --lib --profile $(CARGO_PROFILE) --target-dir '$(TARGET_DIR)'

ifeq ($(NO_BUILD),)
install: build
else
# No rule makes these: a missing one stops the install with its name.
install: $(OUT)/libfluvio.so $(OUT)/libfluvio.a
endif
	$(INSTALL) -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)/fluvio' \
		'$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(CMAKEDIR)'
	$(INSTALL) -m 755 $(OUT)/libfluvio.so '$(DESTDIR)$(LIBDIR)/$(SHARED_NAME)'
	$(STRIP) --strip-unneeded '$(DESTDIR)$(LIBDIR)/$(SHARED_NAME)'
	ln -sf $(SHARED_NAME) '$(DESTDIR)$(LIBDIR)/libfluvio.so.$(MAJOR)'
	ln -sf libfluvio.so.$(MAJOR) '$(DESTDIR)$(LIBDIR)/libfluvio.so'
	$(INSTALL) -m 644 $(OUT)/libfluvio.a '$(DESTDIR)$(LIBDIR)/libfluvio.a'
	$(STRIP) --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd '$(DESTDIR)$(LIBDIR)/libfluvio.a'
	$(INSTALL) -m 644 include/fluvio.h '$(DESTDIR)$(INCLUDEDIR)/fluvio.h'
	$(INSTALL) -m 644 include/fluvio.hpp '$(DESTDIR)$(INCLUDEDIR)/fluvio.hpp'
	$(INSTALL) -m 644 include/fluvio_testing.h '$(DESTDIR)$(INCLUDEDIR)/fluvio_testing.h'
	$(INSTALL) -m 644 packaging/module.modulemap '$(DESTDIR)$(INCLUDEDIR)/fluvio/module.modulemap'
	$(SUBSTITUTE) packaging/fluvio.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/fluvio.pc'
	$(SUBSTITUTE) packaging/fluvioConfig.cmake.in > '$(DESTDIR)$(CMAKEDIR)/fluvioConfig.cmake'
	$(SUBSTITUTE) packaging/fluvioConfigVersion.cmake.in > '$(DESTDIR)$(CMAKEDIR)/fluvioConfigVersion.cmake'

uninstall:
	rm -f '$(DESTDIR)$(LIBDIR)/$(SHARED_NAME)' '$(DESTDIR)$(LIBDIR)/libfluvio.so.$(MAJOR)' \
		'$(DESTDIR)$(LIBDIR)/libfluvio.so' '$(DESTDIR)$(LIBDIR)/libfluvio.a' \
		'$(DESTDIR)$(INCLUDEDIR)/fluvio.h' '$(DESTDIR)$(INCLUDEDIR)/fluvio.hpp' \
		'$(DESTDIR)$(INCLUDEDIR)/fluvio_testing.h' \
		'$(DESTDIR)$(INCLUDEDIR)/fluvio/module.modulemap' \
		'$(DESTDIR)$(PKGCONFIGDIR)/fluvio.pc' \
		'$(DESTDIR)$(CMAKEDIR)/fluvioConfig.cmake' '$(DESTDIR)$(CMAKEDIR)/fluvioConfigVersion.cmake'
	-rmdir '$(DESTDIR)$(INCLUDEDIR)/fluvio' '$(DESTDIR)$(CMAKEDIR)' 2>/dev/null

.PHONY: all build install uninstall
