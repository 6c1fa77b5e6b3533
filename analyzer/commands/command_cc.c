/* command_cc.c - `lockhound cc [--cc=PATH] [--print-command] [COMPILER] ARGS...`: a C compiler
 * driver that builds programs for lockhound's race detection (docs/usage.md, "Building for race
 * detection").
 *
 * It runs the real compiler (gcc or clang) by exec, with the user's arguments plus ours, so the
 * output and the exit status are the compiler's own. What it adds depends on what the command
 * does, read from the arguments as the gcc driver reads them:
 *  - when it compiles (-c, -S, -E, -M, -MM, -fsyntax-only, or sources given to a linking command):
 *    -g before the user's flags (their -g0 or -g3 wins), then -fsanitize=thread
 *    -fno-omit-frame-pointer -fno-builtin -U_FORTIFY_SOURCE after them (no memcpy or strlen
 *    expanded inline or fortified, where the runtime's wrappers could not see its accesses), and
 *    -Wno-tsan for gcc (its fence warning would break -Werror builds) or -mcx16 for clang on
 *    x86-64 (its 128-bit atomics then reach the runtime instead of libatomic);
 *  - when it links (none of those, nor -r): liblockhound.so by its path, before every user input so
 *    that it comes before libc in DT_NEEDED and its pthread wrappers win symbol lookup; inside
 *    --no-as-needed, since Debian's gcc links --as-needed and nothing may refer to the library
 *    directly; and an rpath to its directory, so that the program runs on its own.
 * The compiler's own ThreadSanitizer runtime must never be linked. A link step gets no
 * -fsanitize=thread at all (the user's is taken out), and clang's compile-and-link gets
 * -fno-sanitize-link-runtime. gcc has no such switch, so a gcc compile-and-link hands the flag to
 * its compiler proper only, as -Wp,-fsanitize=thread (cc1 is also gcc's preprocessor). That route
 * misses the compiler when gcc preprocesses in a separate step (-save-temps, -no-integrated-cpp,
 * -traditional-cpp, .i inputs), and gcc's -flto instruments at link time, where the flag is not
 * given: both are refused with a message, as are flags that cannot work with the race runtime
 * (another sanitizer, -fno-sanitize=thread, -static when linking).
 *
 * The compiler: --cc=PATH, else a compiler named first (CMake's compiler launcher prefixes the
 * compiler's path: `lockhound cc /usr/bin/cc -c a.c`), else LOCKHOUND_CC, else clang when it is
 * on PATH (the race runtime runs faster on its instrumentation: memory_heavy 6.4x native against
 * gcc's 9.4x), else gcc; looked up in PATH as execvp would; with -v among the arguments, a note
 * names the default chosen. One that is lockhound itself (LOCKHOUND_CC="lockhound cc", a symlink) is
 * replaced by gcc, with a note. LOCKHOUND_CC_DEPTH, set for the compiler, stops a wrapper that
 * calls lockhound cc back.
 *
 * Limits: options are classified with a list of the gcc and clang options that take a separate
 * argument; @response files are not read (one counts as a source, which is harmless). C++ is
 * built the same way by a C++ driver (--cc=g++, --cc=clang++, or one named first): the runtime
 * has C++'s entry points too (interpose/wrappers/tsan/tsan_cxx.c).
 *
 * Strings made here are not freed: the process execs or exits right after building the command. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/grow.h"
#include "commands/commands.h"
#include "commands/library_path.h"

#define ENV_CC "LOCKHOUND_CC"
#define ENV_CC_DEPTH "LOCKHOUND_CC_DEPTH"
#define DEFAULT_CC "gcc"
/* The default when installed: lockhound's race detection runs faster on clang's instrumentation
 * than on gcc's (tests/bench/run-bench memory_heavy: 6.4x native against 9.4x, issue 11). */
#define PREFERRED_CC "clang"
#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126

/* ---- the words of a command ---- */

struct words {
  char **v; /* NULL-terminated once anything was pushed */
  size_t n, cap;
};

static void push(struct words *w, const char *s) {
  lh_grow(&w->v, &w->cap, w->n + 2, sizeof *w->v);
  w->v[w->n++] = (char *)s;
  w->v[w->n] = NULL;
}

__attribute__((format(printf, 1, 2))) static char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  return n < 0 ? lh_xstrdup("?") : s;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* ---- lockhound cc's own options ---- */

struct cc_options {
  const char *cc_flag;    /* --cc=PATH, or NULL */
  const char *positional; /* a compiler named before the arguments (launcher form), or NULL */
  bool print_command;     /* --print-command */
  char **args;            /* the compiler's arguments */
  int nargs;
};

static void cc_usage(FILE *out) {
  fputs("usage: lockhound cc [--cc=PATH] [--print-command] [COMPILER] ARGS...\n"
        "Runs the C compiler with ARGS for lockhound's race detection: adds -g -fsanitize=thread\n"
        "-fno-omit-frame-pointer -fno-builtin when it compiles, and links against liblockhound.so\n"
        "(not the compiler's ThreadSanitizer runtime) when it links. The program then reports at\n"
        "its exit, run on its own or under 'lockhound run'.\n"
        "\n"
        "  --cc=PATH         the compiler to run: gcc or clang (g++ or clang++ for C++), a name\n"
        "                    on PATH or a path\n"
        "  --print-command   print the compiler's command instead of running it\n"
        "  COMPILER          a compiler named first, as CMake's compiler launcher does\n"
        "                    (lockhound cc /usr/bin/clang -c a.c)\n"
        "  --help            this help\n"
        "\n"
        "The compiler: --cc, else COMPILER, else $LOCKHOUND_CC, else clang when installed\n"
        "(its instrumentation runs faster under lockhound), else gcc; -v names the one chosen.\n"
        "With make:  make CC=\"lockhound cc\"\n"
        "With CMake: cmake -DCMAKE_C_COMPILER_LAUNCHER=\"lockhound;cc\" "
        "-DCMAKE_C_LINKER_LAUNCHER=\"lockhound;cc\"\n"
        "C++:        lockhound cc --cc=g++ ..., make CXX=\"lockhound cc --cc=g++\", or the\n"
        "            CMAKE_CXX_COMPILER_LAUNCHER and CMAKE_CXX_LINKER_LAUNCHER above\n"
        "\n"
        "exit status: the compiler's own; 2 no arguments, a flag that cannot work with race\n"
        "detection, or a compiler that is lockhound itself; 127 compiler not found; 126 compiler\n"
        "cannot be run.\n",
        out);
}

/* gcc, cc, clang, c89, c99 and the C++ drivers g++, c++, clang++, with a target prefix
 * (x86_64-linux-gnu-gcc) or a version suffix (gcc-12, clang-14): what a build system puts first
 * when lockhound cc is its launcher. */
static bool names_a_compiler(const char *arg) {
  if (arg[0] == '-' || arg[0] == '@') return false;
  const char *base = base_name(arg);
  size_t len = strlen(base);
  const char *dash = strrchr(base, '-');
  if (dash && dash[1] && strspn(dash + 1, "0123456789.") == strlen(dash + 1))
    len = (size_t)(dash - base);
  static const char *const names[] = {"gcc", "cc", "clang", "c89", "c99", "g++", "c++", "clang++"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    size_t n = strlen(names[i]);
    if (len < n || strncmp(base + len - n, names[i], n) != 0) continue;
    if (len == n || base[len - n - 1] == '-') return true;
  }
  return false;
}

/* Returns 0 to go on, -1 after --help, or an exit status after printing what is wrong. */
static int parse_cc_options(int argc, char **argv, struct cc_options *o) {
  memset(o, 0, sizeof *o);
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0) {
      cc_usage(stdout);
      return -1;
    } else if (strcmp(a, "--print-command") == 0) {
      o->print_command = true;
    } else if (strncmp(a, "--cc=", 5) == 0 && a[5]) {
      o->cc_flag = a + 5;
    } else if (strcmp(a, "--cc") == 0 && i + 1 < argc) {
      o->cc_flag = argv[++i];
    } else if (strcmp(a, "--cc") == 0 || strcmp(a, "--cc=") == 0) {
      fputs("lockhound cc: --cc needs the compiler to run: --cc=PATH (gcc or clang)\n", stderr);
      return LH_EXIT_USAGE;
    } else {
      break;
    }
  }
  if (i < argc && names_a_compiler(argv[i])) o->positional = argv[i++];
  o->args = argv + i;
  o->nargs = argc - i;
  if (o->nargs == 0) {
    fputs("lockhound cc: no compiler arguments; use it as a C compiler, e.g. 'lockhound cc -o prog "
          "prog.c' ('lockhound cc --help' shows more)\n",
          stderr);
    return LH_EXIT_USAGE;
  }
  return 0;
}

/* ---- the compiler ---- */

struct compiler {
  const char *name; /* as given (argv[0] of the compiler) */
  char *path;       /* found in PATH */
  bool clang;       /* clang's flags, else gcc's */
};

/* PATH search like execvp; a malloc'd path, or NULL with errno set (EACCES when only files that
 * cannot be executed were found). */
static char *find_program(const char *name) {
  struct stat st;
  if (strchr(name, '/')) {
    if (stat(name, &st) != 0) return NULL;
    if (!S_ISREG(st.st_mode) || access(name, X_OK) != 0) {
      errno = EACCES;
      return NULL;
    }
    return lh_xstrdup(name);
  }
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/bin:/usr/bin";
  int err = ENOENT;
  for (const char *p = path;; p += strcspn(p, ":") + 1) {
    int len = (int)strcspn(p, ":");
    char *candidate;
    if (asprintf(&candidate, "%.*s/%s", len ? len : 1, len ? p : ".", name) < 0) break;
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(candidate, X_OK) == 0) return candidate;
      err = EACCES;
    }
    free(candidate);
    if (!p[len]) break;
  }
  errno = err;
  return NULL;
}

static bool is_lockhound(const char *path) {
  char self[PATH_MAX], real[PATH_MAX];
  return realpath("/proc/self/exe", self) && realpath(path, real) && strcmp(self, real) == 0;
}

/* LOCKHOUND_CC="lockhound cc" and the like: the first word is lockhound. */
static bool names_lockhound(const char *cc) {
  size_t len = strcspn(cc, " \t");
  const char *word = strndupa(cc, len);
  return strcmp(base_name(word), "lockhound") == 0;
}

/* How the user chose the compiler, for messages: "--cc=X", "X", "LOCKHOUND_CC=X", "gcc (the
 * default)". */
static const char *origin_of(const struct cc_options *o, const char *name) {
  if (o->cc_flag) return xasprintf("--cc=%s", name);
  if (o->positional) return xasprintf("'%s'", name);
  const char *env = getenv(ENV_CC);
  if (env && *env) return xasprintf("%s=%s", ENV_CC, name);
  return xasprintf("%s (the default)", name);
}

static int compiler_not_found(const char *origin, const char *name, int err) {
  if (strpbrk(name, " \t"))
    fprintf(stderr,
            "lockhound cc: cannot find the compiler %s: it must name one program (gcc, clang, or "
            "a path), without arguments; put flags on the command line\n",
            origin);
  else
    fprintf(stderr,
            "lockhound cc: cannot %s the compiler %s: %s; install it, or name another with "
            "--cc=PATH or %s\n",
            err == EACCES ? "run" : "find", origin, strerror(err), ENV_CC);
  return err == EACCES ? EXIT_CANNOT_RUN : EXIT_NOT_FOUND;
}

/* A compiler that is lockhound itself would run lockhound cc again: gcc stands in for it. */
static int fall_back_to_gcc(const char *origin, bool is_default, struct compiler *c) {
  if (is_default) {
    fprintf(stderr,
            "lockhound cc: the compiler %s is lockhound itself (%s); name the real compiler with "
            "--cc=PATH or %s\n",
            origin, c->path, ENV_CC);
    return LH_EXIT_USAGE;
  }
  free(c->path);
  c->path = find_program(DEFAULT_CC);
  if (!c->path || is_lockhound(c->path)) {
    fprintf(
        stderr,
        "lockhound cc: the compiler %s is lockhound itself, and %s cannot stand in for it (%s); "
        "name the real compiler with --cc=PATH or %s\n",
        origin, DEFAULT_CC, c->path ? "it is lockhound too" : "not found", ENV_CC);
    return LH_EXIT_USAGE;
  }
  fprintf(stderr, "lockhound cc: note: the compiler %s is lockhound itself; compiling with %s\n",
          origin, DEFAULT_CC);
  c->name = DEFAULT_CC;
  return 0;
}

/* Returns 0, or an exit status after printing what is wrong. */
/* The default compiler: clang when installed (and not lockhound itself), else gcc. */
static const char *default_compiler(void) {
  char *clang = find_program(PREFERRED_CC);
  bool usable = clang && !is_lockhound(clang);
  free(clang);
  return usable ? PREFERRED_CC : DEFAULT_CC;
}

static bool asks_verbose(const struct cc_options *o) {
  for (int i = 0; i < o->nargs; i++)
    if (strcmp(o->args[i], "-v") == 0) return true;
  return false;
}

static int choose_compiler(const struct cc_options *o, struct compiler *c) {
  const char *env = getenv(ENV_CC);
  bool is_default = !o->cc_flag && !o->positional && !(env && *env);
  c->name = o->cc_flag      ? o->cc_flag
            : o->positional ? o->positional
            : is_default    ? default_compiler()
                            : env;
  if (is_default && asks_verbose(o))
    fprintf(stderr,
            "lockhound cc: compiling with %s (the default: clang when installed, its race "
            "instrumentation runs faster; --cc=gcc or --cc=clang to choose)\n",
            c->name);
  const char *origin = origin_of(o, c->name);
  c->path = names_lockhound(c->name) ? lh_xstrdup(c->name) : find_program(c->name);
  if (!c->path) return compiler_not_found(origin, c->name, errno);
  if (names_lockhound(c->name) || is_lockhound(c->path)) {
    int rc = fall_back_to_gcc(origin, is_default, c);
    if (rc) return rc;
  }
  char real[PATH_MAX];
  const char *resolved = realpath(c->path, real) ? real : c->path;
  c->clang = strstr(base_name(resolved), "clang") || strstr(base_name(c->name), "clang");
  return 0;
}

/* ---- what the arguments ask for ---- */

struct cc_scan {
  struct words user;      /* the user's arguments, with -fsanitize=thread taken out */
  bool inputs;            /* any input: a file, -, @file, -l */
  bool sources;           /* an input that gets compiled (or may: @file) */
  bool preprocessed;      /* a .i input or -x cpp-output: gcc's -Wp route misses it */
  bool no_link;           /* -c, -S, -E, -M, -MM, -fsyntax-only */
  bool partial_link;      /* -r */
  bool separate_cpp;      /* -save-temps, -no-integrated-cpp, -traditional-cpp, -traditional */
  bool lto;               /* -flto, -flto=N */
  bool link_static;       /* -static, -static-pie */
  const char *lang;       /* the last -x, or NULL */
  const char *clash;      /* a sanitizer that cannot run beside ours, e.g. "-fsanitize=address" */
  const char *unsanitize; /* a -fno-sanitize= that turns thread off */
  const char *dangling;   /* an option at the end that is missing its argument */
};

/* Options whose argument is the next word: that word is neither an input nor an option. */
static bool takes_separate_argument(const char *a) {
  static const char *const options[] = {"-o",
                                        "-x",
                                        "-I",
                                        "-D",
                                        "-U",
                                        "-L",
                                        "-l",
                                        "-include",
                                        "-imacros",
                                        "-isystem",
                                        "-idirafter",
                                        "-iquote",
                                        "-iprefix",
                                        "-iwithprefix",
                                        "-iwithprefixbefore",
                                        "-isysroot",
                                        "-imultilib",
                                        "-MF",
                                        "-MT",
                                        "-MQ",
                                        "-T",
                                        "-u",
                                        "-e",
                                        "-z",
                                        "-Xlinker",
                                        "-Xassembler",
                                        "-Xpreprocessor",
                                        "-Xclang",
                                        "-mllvm",
                                        "-aux-info",
                                        "--param",
                                        "-wrapper",
                                        "-dumpbase",
                                        "-dumpbase-ext",
                                        "-dumpdir",
                                        "-B",
                                        "-A",
                                        "-target",
                                        "--sysroot",
                                        "-working-directory"};
  for (size_t i = 0; i < sizeof options / sizeof *options; i++)
    if (strcmp(a, options[i]) == 0) return true;
  return false;
}

static bool has_extension(const char *file, const char *const *exts, size_t n) {
  const char *dot = strrchr(base_name(file), '.');
  for (size_t i = 0; dot && i < n; i++)
    if (strcmp(dot + 1, exts[i]) == 0) return true;
  return false;
}

/* gcc treats a file with any other suffix as the linker's. */
static void scan_input(struct cc_scan *s, const char *file) {
  static const char *const compiled[] = {"c",  "i",   "h",   "s",   "S",   "sx", "cc",
                                         "cp", "cxx", "cpp", "CPP", "c++", "C",  "ii"};
  static const char *const preprocessed[] = {"i", "ii"};
  s->inputs = true;
  if (s->lang && strcmp(s->lang, "none") != 0) {
    s->sources = true;
    if (strcmp(s->lang, "cpp-output") == 0 || strcmp(s->lang, "c++-cpp-output") == 0)
      s->preprocessed = true;
  } else if (strcmp(file, "-") == 0 || file[0] == '@' ||
             has_extension(file, compiled, sizeof compiled / sizeof *compiled)) {
    s->sources = true;
    if (has_extension(file, preprocessed, 2)) s->preprocessed = true;
  }
}

/* -fsanitize=LIST: records a clash, and returns the word to keep (NULL: none) with thread taken
 * out, since we add our own where it belongs. */
static const char *scan_sanitize(struct cc_scan *s, const char *a) {
  static const char *const incompatible[] = {"address",          "kernel-address", "hwaddress",
                                             "kernel-hwaddress", "memory",         "leak"};
  char *kept = lh_xstrdup("-fsanitize="), *list = lh_xstrdup(a + strlen("-fsanitize="));
  size_t nkept = 0;
  for (char *save, *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    for (size_t i = 0; i < sizeof incompatible / sizeof *incompatible; i++)
      if (strcmp(item, incompatible[i]) == 0 && !s->clash)
        s->clash = xasprintf("-fsanitize=%s", item);
    if (strcmp(item, "thread") == 0) continue;
    char *longer = xasprintf("%s%s%s", kept, nkept++ ? "," : "", item);
    free(kept);
    kept = longer;
  }
  free(list);
  return nkept ? kept : NULL;
}

static bool list_has(const char *list, const char *item) {
  size_t n = strlen(item);
  for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] ? 1 : 0))
    if (strncmp(p, item, n) == 0 && (p[n] == ',' || !p[n])) return true;
  return false;
}

static bool is_one_of(const char *a, const char *const *set, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(a, set[i]) == 0) return true;
  return false;
}

/* One option (a word starting with '-'); returns the word to keep, or NULL to drop it. */
static const char *scan_option(struct cc_scan *s, const char *a) {
  static const char *const no_link[] = {"-c", "-S", "-E", "-M", "-MM", "-fsyntax-only"};
  static const char *const separate_cpp[] = {"-no-integrated-cpp", "-traditional-cpp",
                                             "-traditional"};
  if (is_one_of(a, no_link, sizeof no_link / sizeof *no_link))
    s->no_link = true;
  else if (strcmp(a, "-r") == 0)
    s->partial_link = true;
  else if (is_one_of(a, separate_cpp, 3) || strncmp(a, "-save-temps", 11) == 0)
    s->separate_cpp = true;
  else if (strcmp(a, "-flto") == 0 || strncmp(a, "-flto=", 6) == 0)
    s->lto = true;
  else if (strcmp(a, "-static") == 0 || strcmp(a, "-static-pie") == 0)
    s->link_static = true;
  else if (strncmp(a, "-x", 2) == 0 && a[2])
    s->lang = a + 2;
  else if (strncmp(a, "-l", 2) == 0 && a[2])
    s->inputs = true;
  else if (strncmp(a, "-fsanitize=", 11) == 0)
    return scan_sanitize(s, a);
  else if (strncmp(a, "-fno-sanitize=", 14) == 0 && !s->unsanitize &&
           (list_has(a + 14, "thread") || list_has(a + 14, "all")))
    s->unsanitize = a;
  return a;
}

static void scan_arguments(const struct cc_options *o, struct cc_scan *s) {
  memset(s, 0, sizeof *s);
  for (int i = 0; i < o->nargs; i++) {
    const char *a = o->args[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) {
      scan_input(s, a);
      push(&s->user, a);
      continue;
    }
    const char *kept = scan_option(s, a);
    if (kept) push(&s->user, kept);
    if (!takes_separate_argument(a)) continue;
    if (i + 1 == o->nargs) {
      s->dangling = a;
      break;
    }
    const char *value = o->args[++i];
    if (strcmp(a, "-x") == 0) s->lang = value;
    if (strcmp(a, "-l") == 0) s->inputs = true;
    push(&s->user, value);
  }
}

/* ---- the command ---- */

enum compile_flags {
  COMPILE_NONE,     /* nothing is compiled */
  COMPILE_PLAIN,    /* -fsanitize=thread: the command does not link */
  COMPILE_AND_LINK, /* instrument without linking the compiler's runtime */
};

struct plan {
  enum compile_flags compile;
  bool link; /* link against liblockhound.so */
};

static struct plan plan_for(const struct cc_scan *s) {
  struct plan p = {COMPILE_NONE, false};
  if (!s->inputs) return p; /* --version, -v, -dumpmachine, -print-*: the compiler as it is */
  if (s->no_link)
    p.compile = COMPILE_PLAIN;
  else if (s->sources)
    p.compile = COMPILE_AND_LINK;
  p.link = !s->no_link && !s->partial_link;
  return p;
}

/* Returns 0, or LH_EXIT_USAGE after saying why the command cannot build a program for race
 * detection. */
static int refuse_clashes(const struct cc_scan *s, const struct plan *p, const struct compiler *c) {
  if (p->compile == COMPILE_NONE && !p->link) return 0;
  if (s->dangling)
    fprintf(stderr, "lockhound cc: '%s' at the end of the command needs an argument after it\n",
            s->dangling);
  else if (s->clash)
    fprintf(stderr,
            "lockhound cc: %s cannot be combined with race detection (-fsanitize=thread); remove "
            "it\n",
            s->clash);
  else if (s->unsanitize)
    fprintf(stderr,
            "lockhound cc: %s would turn off the instrumentation that race detection needs; "
            "remove it\n",
            s->unsanitize);
  else if (s->link_static && p->link)
    fputs("lockhound cc: cannot link statically (-static): the race runtime is a shared library; "
          "remove -static\n",
          stderr);
  else if (s->lto && !c->clang)
    fputs("lockhound cc: -flto does not work with gcc here: gcc would drop the race "
          "instrumentation when it links; remove -flto, or build with clang (--cc=clang)\n",
          stderr);
  else if (!c->clang && p->compile == COMPILE_AND_LINK && (s->separate_cpp || s->preprocessed))
    fputs("lockhound cc: gcc cannot compile and link in one command here (with -save-temps, "
          "-no-integrated-cpp, -traditional-cpp or a preprocessed .i file, the instrumentation "
          "would be lost); compile with -c first, then link the objects\n",
          stderr);
  else
    return 0;
  return LH_EXIT_USAGE;
}

static void push_link_flags(struct words *cmd, const char *lib) {
  char *dir = lh_xstrdup(lib);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  push(cmd, "-Wl,--push-state,--no-as-needed");
  push(cmd, lib);
  push(cmd, "-Wl,--pop-state");
  /* -Xlinker, not -Wl: a directory may contain commas. */
  push(cmd, "-Xlinker");
  push(cmd, "-rpath");
  push(cmd, "-Xlinker");
  push(cmd, slash ? dir : ".");
}

static void build_command(const struct compiler *c, const struct cc_scan *s, const struct plan *p,
                          const char *lib, struct words *cmd) {
  push(cmd, c->name);
  if (p->compile != COMPILE_NONE) push(cmd, "-g");
  if (p->link) push_link_flags(cmd, lib);
  for (size_t i = 0; i < s->user.n; i++) push(cmd, s->user.v[i]);
  if (p->compile == COMPILE_NONE) return;
  if (p->compile == COMPILE_PLAIN || c->clang) push(cmd, "-fsanitize=thread");
  if (p->compile == COMPILE_AND_LINK)
    push(cmd, c->clang ? "-fno-sanitize-link-runtime" : "-Wp,-fsanitize=thread");
  push(cmd, "-fno-omit-frame-pointer");
  push(cmd, "-fno-builtin");
  /* glibc's fortified copies (__memcpy_chk...) are not among the runtime's memory wrappers */
  push(cmd, "-U_FORTIFY_SOURCE");
  if (c->clang) {
#if defined(__x86_64__)
    push(cmd, "-mcx16"); /* else clang leaves 128-bit atomics to libatomic, unseen */
#endif
  } else {
    push(cmd, "-Wno-tsan"); /* gcc warns that fences are not instrumented: the runtime knows */
  }
}

/* One shell word: quoted unless it is made of characters the shell leaves alone. */
static void print_word(const char *w) {
  if (*w &&
      strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+,./:=@%^-") ==
          strlen(w)) {
    fputs(w, stdout);
    return;
  }
  putchar('\'');
  for (const char *p = w; *p; p++) {
    if (*p == '\'')
      fputs("'\\''", stdout);
    else
      putchar(*p);
  }
  putchar('\'');
}

static int print_command(const struct words *cmd) {
  for (size_t i = 0; i < cmd->n; i++) {
    if (i) putchar(' ');
    print_word(cmd->v[i]);
  }
  putchar('\n');
  return fflush(stdout) == 0 ? 0 : 1;
}

static int run_compiler(const struct compiler *c, const struct words *cmd) {
  if (setenv(ENV_CC_DEPTH, "1", 1) != 0) {
    fprintf(stderr, "lockhound cc: cannot set %s: %s\n", ENV_CC_DEPTH, strerror(errno));
    return LH_EXIT_USAGE;
  }
  execv(c->path, cmd->v);
  int err = errno;
  fprintf(stderr, "lockhound cc: cannot run the compiler %s: %s\n", c->path, strerror(err));
  return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

int lh_command_cc(int argc, char **argv) {
  struct cc_options o;
  int rc = parse_cc_options(argc, argv, &o);
  if (rc) return rc < 0 ? 0 : rc;
  const char *depth = getenv(ENV_CC_DEPTH);
  if (depth && *depth) {
    fprintf(stderr,
            "lockhound cc: started again by the compiler it ran (%s is set): that compiler calls "
            "lockhound cc back; name the real compiler with --cc=PATH or %s\n",
            ENV_CC_DEPTH, ENV_CC);
    return LH_EXIT_USAGE;
  }
  struct compiler c;
  if ((rc = choose_compiler(&o, &c)) != 0) return rc;
  struct cc_scan s;
  scan_arguments(&o, &s);
  struct plan p = plan_for(&s);
  if ((rc = refuse_clashes(&s, &p, &c)) != 0) return rc;
  char *lib = NULL;
  if (p.link && !(lib = lh_find_library("lockhound cc", "the race runtime"))) return LH_EXIT_USAGE;
  struct words cmd = {0};
  build_command(&c, &s, &p, lib, &cmd);
  return o.print_command ? print_command(&cmd) : run_compiler(&c, &cmd);
}
