/* closed_stderr.c - a program that closes its stderr and opens a data file, which gets
 * descriptor 2, then takes two locks in both orders. Usage: closed_stderr FILE. Writes "data"
 * into FILE and exits 0. Preloaded by hand, lockhound's report at exit must go to the stderr the
 * program started with (or nowhere), never into FILE. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "inversion.h"

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  close(2);
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd != 2)
    return 3;
  take_inverted_locks();
  const char line[] = "data\n";
  if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
    return 4;
  printf("closed_stderr: done\n");
  return 0;
}
