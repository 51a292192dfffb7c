#!/bin/sh
# test_os_seam.sh [SRC_DIR] - the library calls the operating system only
# through its seam (src/os/os.h): no .c file under SRC_DIR outside src/os/
# and src/cli/ may call open, read, rename, fork, getenv and the like
# directly.  A call through the seam (os->open(...), a method ->read( or
# .read() is not a direct call, nor is a name that merely ends in one
# (vn_ledger_read(...)); comments, strings and character literals are
# left out before looking.
#
# It first checks itself on a planted tree (a direct call must be found,
# the look-alikes must not), then scans SRC_DIR (default: ../../src from
# here).  Exit 1 with FILE:LINE: NAME for each direct call.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../src}

# scan DIR: print FILE:LINE: NAME for each direct call; exit 1 if any
scan() {
    find "$1" -name '*.c' ! -path "$1/os/*" ! -path "$1/cli/*" | sort | perl -e '
        my @names = qw(fopen fdopen freopen open openat creat opendir fdopendir readdir
                       closedir read pread write pwrite close rename renameat renameat2
                       unlink unlinkat flock fcntl mkdir mkdirat rmdir stat fstat lstat
                       fstatat statx access faccessat readlink readlinkat realpath fsync
                       fdatasync fchmod chmod ftruncate truncate socket connect bind listen
                       accept accept4 poll fork vfork waitpid wait kill pipe pipe2 dup dup2
                       sched_setaffinity set_mempolicy mbind getenv secure_getenv system
                       popen);
        my $re = join "|", @names, "f?exec(?:l|lp|le|v|vp|vpe|ve)";
        my $bad = 0;
        while (my $file = <STDIN>) {
            chomp $file;
            open(my $fh, "<", $file) or die "$file: $!";
            local $/;
            my $text = <$fh>;
            close $fh;
            # comments, strings and characters out; newlines kept for line numbers
            $text =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27)}{
                my $m = $1; $m =~ s/[^\n]//g; $m }gse;
            my $n = 0;
            for my $line (split /\n/, $text, -1) {
                $n++;
                while ($line =~ /(?<![\w.>\$])($re)\s*\(/g) {
                    print "$file:$n: $1\n";
                    $bad = 1;
                }
            }
        }
        exit $bad;'
}

# 1. the scanner itself, on a planted tree
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/lib" "$t/os" "$t/cli"
cat >"$t/lib/planted.c" <<'C'
static int f(const vn_os *os, struct x *o)
{
    int fd = open("/etc/passwd", O_RDONLY);      /* planted: found */
    const char *v = getenv("HOME"); execvp(v, 0); /* planted: found twice */
    os->open(os, "a", 0, 0); o->read(1); o.close(2);   /* the seam, methods */
    vn_ledger_read("x"); my_write(3); xfork();         /* names that end so */
    /* open("in a comment"); */ puts("read(in a string)"); char c = '(';
    // close(in a line comment)
    return fd;
}
C
echo 'int g(void) { return close(0); }' >"$t/os/os_real.c"
echo 'int h(void) { return getenv("X") != 0; }' >"$t/cli/main.c"
out=$(scan "$t")
want="$t/lib/planted.c:3: open
$t/lib/planted.c:4: getenv
$t/lib/planted.c:4: execvp"
if [ "$out" != "$want" ]; then
    echo "FAIL test_os_seam: the scanner is broken; on the planted tree it found:"
    echo "$out"
    exit 1
fi

# 2. the library
out=$(scan "$src")
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL test_os_seam: direct system calls outside src/os/ (use the seam, os/os.h):"
    echo "$out"
    exit 1
fi
echo "ok test_os_seam: no direct system call in the library outside src/os/"
