/* messages.c - the catalogue of the text report's fixed sentences, in English and Russian.
 *
 * One table, indexed by message id, with one column per language; finding titles and the words
 * that change with a number are tables of their own. A missing entry is NULL here and English in
 * the report, and test_messages.c fails on it, so a language cannot silently fall behind.
 * Russian uses the terms of a university course on concurrency (взаимная блокировка, мьютекс,
 * поток, захватывает/освобождает блокировку, условная переменная, семафор, барьер); names of locks
 * and objects, calls (pthread_join) and rule ids stay as they are. Where a Russian sentence would
 * need the case of a lock's name, it names it after a noun ("блокировку lock_a") or a colon. */
#include "report/i18n/messages.h"

#include <inttypes.h>
#include <string.h>

/* [id][lang] */
static const char *const messages[LH_MSG_COUNT][LH_LANG_COUNT] = {
    [LH_MSG_NO_STACK] = {"(no stack recorded)", "(стек не записан)"},
    [LH_MSG_MAIN_THREAD] = {"(main thread)", "(главный поток)"},
    [LH_MSG_FORK_THREAD] = {"(the thread of a forked child)",
                            "(поток дочернего процесса, созданного fork)"},
    [LH_MSG_CREATED_UNKNOWN] = {"(created at an unknown place)", "(создан в неизвестном месте)"},
    [LH_MSG_CREATED_AT] = {"(created at %s)", "(создан в %s)"},
    [LH_MSG_FOR_READING] = {" (for reading)", " (для чтения)"},
    [LH_MSG_FOR_WRITING] = {" (for writing)", " (для записи)"},
    [LH_MSG_HOLDS_TAKEN_AT] = {" holds %s%s, taken at",
                               " удерживает блокировку %s%s; место захвата:"},
    [LH_MSG_AND_WANTS_AT] = {"and wants %s%s, at",
                             "и хочет захватить блокировку %s%s; место запроса:"},
    [LH_MSG_NOTE_PREFIX] = {"note: ", "примечание: "},
    [LH_MSG_WARNING_PREFIX] = {"warning: ", "предупреждение: "},
    [LH_MSG_BADGE_ERROR] = {"error", "ошибка"},
    [LH_MSG_BADGE_WARNING] = {"warning", "предупреждение"},
    [LH_MSG_BADGE_NOTE] = {"note", "примечание"},
    [LH_MSG_NOTE_TITLE] =
        {"lock order inversion kept apart by thread creation/join",
         "нарушение порядка захвата блокировок, разведённое созданием/join потоков"},
    [LH_MSG_TAKE_LOCKS] = {"%zu %s take %zu %s %s: ", "%zu %s захватывают %zu %s %s: "},
    [LH_MSG_IN_OPPOSITE_ORDERS] = {"in opposite orders", "в противоположном порядке"},
    [LH_MSG_IN_A_CYCLE] = {"in a cycle", "по кругу"},
    [LH_MSG_ONE_THREAD_TAKES] = {"one thread takes %zu %s in opposite orders: ",
                                 "один поток захватывает %zu %s в противоположном порядке: "},
    [LH_MSG_ONE_THREAD_WHY] = {"It cannot deadlock with itself, but two threads running these "
                               "code paths at the same time can.",
                               "Сам с собой он не заблокируется, но два потока, одновременно "
                               "выполняющие эти участки кода, - могут."},
    [LH_MSG_SAME_SITES_CYCLES] = {"the same lines make %zu %s over the locks %s; one is shown.",
                                  "те же строки программы дают %zu %s на блокировках %s; "
                                  "показан один."},
    [LH_MSG_NOTE_APART_1] =
        {"but never at the same time: thread creation or join orders them, so this run",
         "но никогда одновременно: создание или join потоков упорядочивает их, поэтому"},
    [LH_MSG_NOTE_APART_2] = {"cannot deadlock; it would if these threads ever ran concurrently.",
                             "этот запуск не зависнет; взаимная блокировка возникнет, если эти "
                             "потоки когда-нибудь выполнятся параллельно."},
    [LH_MSG_NOTE_NOT_SHOWN] = {"%zu note not shown (-v shows it)",
                               "не показано примечаний: %zu (их показывает -v)"},
    [LH_MSG_NOTES_NOT_SHOWN] = {"%zu notes not shown (-v shows them)",
                                "не показано примечаний: %zu (их показывает -v)"},
    [LH_MSG_MORE_FINDINGS] =
        {"more than %d findings; %zu more are not shown (--json FILE lists them all)",
         "находок больше %d; ещё %zu не показаны (--json FILE перечисляет все)"},
    [LH_MSG_LONGER_CYCLE] =
        {"%zu longer cycle made only of lock pairs reported above is not shown",
         "ещё %zu более длинный цикл, составленный только из уже показанных пар блокировок, "
         "не показан"},
    [LH_MSG_LONGER_CYCLES] =
        {"%zu longer cycles made only of lock pairs reported above are not shown",
         "не показаны более длинные циклы, составленные только из уже показанных пар "
         "блокировок: %zu"},
    [LH_MSG_UNDECIDED_CYCLE] =
        {"%zu cycle had too many ways to choose their acquisitions to be checked fully; "
         "they are not reported, and may hide a deadlock",
         "циклов со слишком большим числом вариантов захватов для полной проверки: %zu; "
         "о них не сообщается, и за ними может скрываться взаимная блокировка"},
    [LH_MSG_UNDECIDED_CYCLES] =
        {"%zu cycles had too many ways to choose their acquisitions to be checked fully; "
         "they are not reported, and may hide a deadlock",
         "циклов со слишком большим числом вариантов захватов для полной проверки: %zu; "
         "о них не сообщается, и за ними может скрываться взаимная блокировка"},
    [LH_MSG_SEARCH_TRUNCATED] =
        {"the cycle search hit its limit: some cycles may be missing",
         "поиск циклов упёрся в свой предел: часть циклов может быть пропущена"},
    [LH_MSG_STATISTICS] =
        {"%zu %s, %zu threads, %zu locks, %zu lock-order edges, %zu %s checked",
         "%zu %s; потоков: %zu, блокировок: %zu, рёбер порядка захвата: %zu; проверено: %zu %s"},
    [LH_MSG_STATISTICS_SEEN] =
        {"%zu %s, %zu threads, lock acquisitions: %llu, locks: %llu (nested ones, in the lock "
         "graph: %zu), %zu lock-order edges, %zu %s checked",
         "%zu %s; потоков: %zu, захватов блокировок: %llu, блокировок: %llu (вложенных, в графе "
         "порядка захвата: %zu), рёбер порядка захвата: %zu; проверено: %zu %s"},

    [LH_MSG_SCENARIO_TITLE] = {"Possible unsafe locking scenario:",
                               "Возможный сценарий взаимной блокировки:"},
    [LH_MSG_HAPPENED_TITLE] = {"What happened, one column per thread:",
                               "Что произошло (по столбцу на поток):"},
    [LH_MSG_BANNER_DEADLOCK] = {"*** DEADLOCK ***", "*** ВЗАИМНАЯ БЛОКИРОВКА ***"},
    [LH_MSG_BANNER_WAIT_CYCLE] = {"*** WAIT CYCLE (until a timeout) ***",
                                  "*** ЦИКЛ ОЖИДАНИЯ (до тайм-аута) ***"},
    [LH_MSG_MARK_BLOCKED] = {"   <- blocked", "   <- заблокирован"},
    [LH_MSG_MARK_WAITS] = {"   <- waits", "   <- ждёт"},

    [LH_MSG_EXPLAIN_TITLE] = {"What this means (--explain):", "Что это значит (--explain):"},
    [LH_MSG_EXPLAIN_WHAT] = {"What goes wrong:", "Что происходит:"},
    [LH_MSG_EXPLAIN_WHY] = {"Why:", "Почему:"},
    [LH_MSG_EXPLAIN_FIXES] = {"Usual fixes:", "Как это обычно исправляют:"},
    [LH_MSG_STEPS_TITLE] =
        {"How it goes wrong, step by step (time flows down, one column per thread):",
         "Как это случается, шаг за шагом (время идёт сверху вниз, по столбцу на поток):"},
    [LH_MSG_STEPS_STEP] = {"step", "шаг"},
    [LH_MSG_STEPS_GOT_IT] = {"got it", "захвачена"},
    [LH_MSG_STEPS_WAITS_FOR] = {"waits for %s", "ждёт %s"},
    [LH_MSG_STEPS_BLOCKED_FOR_EVER] = {"(blocked for ever)", "(заблокирован навсегда)"},
    [LH_MSG_STEPS_UNTIL_TIMEOUT] = {"(waits until a timeout)", "(ждёт до тайм-аута)"},
    [LH_MSG_STEPS_EVERY_THREAD] = {"every thread: %s", "каждый поток: %s"},
    [LH_MSG_EXPLAINED_ABOVE] = {"What this means (--explain): %s is explained above, under "
                                "finding #%zu",
                                "Что это значит (--explain): %s объяснено выше, у находки №%zu"},
    [LH_MSG_PATTERN_DCL] = {"The pattern: double-checked locking on %s (--explain):",
                            "Шаблон: блокировка с двойной проверкой для %s (--explain):"},
    [LH_MSG_PATTERN_DCL_ABOVE] = {"The pattern: double-checked locking on %s, explained above, "
                                  "under finding #%zu",
                                  "Шаблон: блокировка с двойной проверкой для %s; объяснено выше, "
                                  "у находки №%zu"},
    [LH_MSG_REPLAY_FINDING] = {"Finding #%zu, %s: %s [id %s]", "Находка №%zu, %s: %s [id %s]"},
    [LH_MSG_REPLAY_STEP] = {"Step %zu of %zu:", "Шаг %zu из %zu:"},
    [LH_MSG_REPLAY_PROMPT] = {"(Enter: the next step) ", "(Enter: следующий шаг) "},

    [LH_MSG_OBJECT] = {"object", "объект"},
    [LH_MSG_MUTEX] = {"mutex", "мьютекс"},
    [LH_MSG_AND] = {" and ", " и "},
    [LH_MSG_IS_BLOCKED_IN] = {" is blocked in %s%s at", " заблокирован в %s%s; место вызова:"},
    [LH_MSG_WITH_A_TIMEOUT] = {" (with a timeout)", " (с тайм-аутом)"},
    [LH_MSG_HOLDING_TAKEN_AT] = {"holding %s%s, taken at",
                                 "удерживая блокировку %s%s; место захвата:"},
    [LH_MSG_IS_HELD_BY] = {"%s is held by %s", "блокировку %s удерживает %s"},
    [LH_MSG_IS_HELD_BY_UNSHOWN] = {"%s is held by a thread this report does not show",
                                   "блокировку %s удерживает поток, которого нет в этом отчёте"},
    [LH_MSG_HELD_AT_FORK] =
        {"%s was held by %s of the parent process when this process was forked: only the "
         "forking thread lives on in a fork child, so nobody will ever release it; %s took it at",
         "блокировку %s в момент fork удерживал %s родительского процесса: в дочернем процессе "
         "есть только поток, вызвавший fork, и освободить её некому; %s захватил её здесь:"},
    [LH_MSG_WAITS_FOR_END] = {"waits for %s to end, but %s is blocked too",
                              "ждёт завершения %s, но %s тоже заблокирован"},
    [LH_MSG_ENDED_WITH_CODE] = {"lockhound ended the program (exit code %" PRId64
                                "); run with --on-deadlock=wait "
                                "to keep it hanging for a debugger",
                                "lockhound завершил программу (код выхода %" PRId64
                                "); запустите с --on-deadlock=wait, чтобы программа не "
                                "завершалась и к ней можно было подключить отладчик (gdb -p PID)"},
    [LH_MSG_ENDED] =
        {"lockhound ended the program; run with --on-deadlock=wait to keep it hanging "
         "for a debugger",
         "lockhound завершил программу; запустите с --on-deadlock=wait, чтобы программа не "
         "завершалась и к ней можно было подключить отладчик (gdb -p PID)"},
    [LH_MSG_ABORTED] =
        {"lockhound aborted the program (SIGABRT: a core dump for the debugger, where core dumps "
         "are enabled), as --on-deadlock=abort asked",
         "lockhound аварийно завершил программу (SIGABRT: дамп памяти для отладчика, если дампы "
         "включены), как просил --on-deadlock=abort"},
    [LH_MSG_LEFT_HANGING] =
        {"lockhound left the program hanging, as --on-deadlock=wait asked: attach a debugger "
         "to it (gdb -p PID), or stop it with Ctrl-C",
         "lockhound оставил программу висеть, как просил --on-deadlock=wait: подключите к ней "
         "отладчик (gdb -p PID) или остановите её по Ctrl-C"},
    [LH_MSG_HOW_TO_FIX] = {"How to fix it: %s", "Как исправить: %s"},

    [LH_MSG_TIMED_CYCLE_1] =
        {"%u %s wait for each other in a cycle, but at least one wait has a timeout:",
         "%u %s ждут друг друга по кругу, но хотя бы одно ожидание ограничено тайм-аутом:"},
    [LH_MSG_TIMED_CYCLE_2] =
        {"when it expires the cycle breaks, so the program probably retries or fails (the",
         "когда он истечёт, цикл разорвётся, и программа, скорее всего, повторит попытку"},
    [LH_MSG_TIMED_CYCLE_3] = {"timed call returns ETIMEDOUT) instead of hanging",
                              "или сообщит об ошибке (вызов вернёт ETIMEDOUT), а не зависнет"},
    [LH_MSG_DEADLOCKED] =
        {"%u %s are deadlocked: each waits for a lock (or the end of a thread) that the next one "
         "holds",
         "%u %s во взаимной блокировке: каждый ждёт блокировку, которую удерживает следующий "
         "(или завершения следующего потока)"},
    [LH_MSG_DEADLOCKED_PART] =
        {"1 thread of this process is deadlocked with threads of other processes: it waits for a "
         "lock one of them holds (`lockhound report` on every run file of the run shows the whole "
         "cycle)",
         "1 поток этого процесса во взаимной блокировке с потоками других процессов: он ждёт "
         "блокировку, которую удерживает один из них (`lockhound report` по всем файлам запуска "
         "покажет весь цикл)"},
    [LH_MSG_FIX_TIMED] =
        {"as for a deadlock: take the locks in one global order, or do not hold a lock while "
         "waiting for another thread; a timeout only turns the hang into a failure",
         "как при взаимной блокировке: захватывайте блокировки в едином глобальном порядке или не "
         "держите блокировку, пока ждёте другой поток; тайм-аут лишь превращает зависание в отказ"},
    [LH_MSG_FIX_LOCKS_AND_JOINS] =
        {"never join a thread while holding a lock it needs, and take the locks in one "
         "global order (every thread the same)",
         "не ждите поток через join, удерживая нужную ему блокировку, и захватывайте "
         "блокировки в едином глобальном порядке (одинаковом во всех потоках)"},
    [LH_MSG_FIX_JOINS] =
        {"let one thread (usually main) join the others, or join in the order the threads were "
         "created: a thread must never wait for a thread that waits for it",
         "пусть остальные потоки ждёт через join один поток (обычно main), или вызывайте join в "
         "порядке создания потоков: поток не должен ждать поток, который ждёт его"},
    [LH_MSG_FIX_LOCKS] =
        {"take the locks in one global order (every thread the same), or hold one lock at a time",
         "захватывайте блокировки в едином глобальном порядке (одинаковом во всех потоках) или "
         "держите не больше одной блокировки за раз"},

    [LH_MSG_SELF_UNKNOWN] =
        {"a thread locks a lock it already holds, and waits for itself for ever",
         "поток повторно захватывает блокировку, которую уже удерживает, и вечно ждёт сам себя"},
    [LH_MSG_SELF_LOCKS_AGAIN] = {" locks %s, which it already holds:",
                                 " снова захватывает блокировку %s, которую уже удерживает:"},
    [LH_MSG_SELF_NON_RECURSIVE] =
        {"it is a non-recursive %s (type %s), so the thread waits for itself for ever",
         "это нерекурсивная блокировка (%s, тип %s), поэтому поток вечно ждёт сам себя"},
    [LH_MSG_SELF_RW_UPGRADE] =
        {"it holds %s for reading and asks for it for writing: a write lock waits until every "
         "reader has let go, itself included, so the thread waits for itself for ever",
         "поток держит %s на чтение и запрашивает её на запись: повысить блокировку чтения-записи "
         "до записи нельзя — запись ждёт, пока все читатели, включая его самого, отпустят "
         "блокировку, поэтому поток вечно ждёт сам себя"},
    [LH_MSG_SELF_RW_WRITE_AGAIN] =
        {"it holds %s for writing, and an rwlock held for writing cannot be taken again, even by "
         "its holder, so the thread waits for itself for ever",
         "поток держит %s на запись, а блокировку чтения-записи, захваченную на запись, нельзя "
         "захватить снова даже её владельцу, поэтому поток вечно ждёт сам себя"},
    [LH_MSG_FIX_SELF_RW_UPGRADE] =
        {"an rwlock cannot be upgraded: release the read lock, take the write lock, then check "
         "again what you read (another writer may have changed it in between); or take the "
         "write lock from the start when the function may write",
         "rwlock нельзя «повысить»: отпустите блокировку чтения, захватите блокировку записи и "
         "снова проверьте прочитанное (между этими шагами его мог изменить другой писатель); или "
         "сразу берите блокировку записи, если функция может писать"},
    [LH_MSG_SELF_PYTHON] = {"it is a threading.Lock, which its holder cannot take again, and no "
                            "other thread is left to release it: the thread waits for itself for "
                            "ever",
                            "это threading.Lock: владелец не может захватить его повторно, а "
                            "освободить его больше некому, поэтому поток вечно ждёт сам себя"},
    [LH_MSG_FIX_SELF_PYTHON] = {"do not take again what the thread already holds (split the "
                                "function into a part that locks and a part that expects the lock "
                                "to be held), or, if re-entry is intended, use a threading.RLock",
                                "не захватывайте снова то, что поток уже удерживает (разделите "
                                "функцию на часть, которая захватывает блокировку, и часть, "
                                "которая ожидает её уже захваченной), или, если повторный вход "
                                "задуман, используйте threading.RLock"},
    [LH_MSG_SELF_TOOK_FIRST] = {"it took %s first at", "впервые он захватил блокировку %s здесь:"},
    [LH_MSG_SELF_TAKES_AGAIN] = {"and takes it again at", "и захватывает её снова здесь:"},
    [LH_MSG_FIX_SELF] =
        {"do not lock again what the thread already holds (split the function into a part that "
         "locks and a part that expects the lock to be held), or, if re-entry is intended, make it "
         "a recursive mutex (PTHREAD_MUTEX_RECURSIVE)",
         "не захватывайте повторно то, что поток уже удерживает (разделите функцию на часть, "
         "которая "
         "захватывает блокировку, и часть, которая рассчитывает, что она уже захвачена), или, если "
         "повторный вход задуман, сделайте мьютекс рекурсивным (PTHREAD_MUTEX_RECURSIVE)"},

    [LH_MSG_STALL_BARRIER_COUNT] = {"%s: %" PRId64 " of %" PRId64
                                    " threads arrived; no other thread can arrive",
                                    "%s: пришло %" PRId64 " из %" PRId64
                                    " потоков; больше прийти некому"},
    [LH_MSG_STALL_BARRIER] = {"%s: no other thread can arrive", "%s: больше прийти некому"},
    [LH_MSG_STALL_SEM_VALUE] = {"%s: value %" PRId64 "; no thread is left to post it",
                                "%s: значение %" PRId64
                                "; не осталось потока, который вызвал бы sem_post"},
    [LH_MSG_STALL_SEM] = {"%s: no thread is left to post it",
                          "%s: не осталось потока, который вызвал бы sem_post"},
    [LH_MSG_STALL_PYTHON_WAIT] = {"%s: no thread is left to wake it (notify, set, put, release)",
                                  "%s: не осталось потока, который бы его разбудил "
                                  "(notify, set, put, release)"},
    [LH_MSG_STALL_COND_MUTEX] = {"%s (with %s): no thread is left to signal it",
                                 "%s (%s): не осталось потока, который подал бы сигнал"},
    [LH_MSG_STALL_COND] = {"%s: no thread is left to signal it",
                           "%s: не осталось потока, который подал бы сигнал"},
    [LH_MSG_STALL_UNKNOWN_WAIT] = {"(what it waits for was not recorded)",
                                   "(чего он ждёт, не записано)"},
    [LH_MSG_STALL_SUMMARY] =
        {"every thread is blocked and none can wake the others (%u %s)",
         "все потоки заблокированы, и ни один не может разбудить остальные (%u %s)"},
    [LH_MSG_RACES_NEED_CC] =
        {"data races were not looked for: the program was not built with `lockhound cc` (rebuild "
         "it with `lockhound cc -g prog.c -o prog` and run it again to find unprotected shared "
         "writes)",
         "гонки данных не искались: программа собрана не через `lockhound cc` (пересоберите её "
         "командой `lockhound cc -g prog.c -o prog` и запустите снова, чтобы найти незащищённые "
         "записи в общие данные)"},
    [LH_MSG_FIX_STALL_PYTHON] =
        {"make sure that whatever a thread waits for still happens: a put for every get (or a "
         "sentinel that tells the consumer to stop), an Event set on every path (try/finally), "
         "a release for every acquire of a Semaphore (use `with`), a Barrier made for as many "
         "threads as reach it, no task waiting for a future that only its own full pool could "
         "run, no thread joined that cannot end",
         "сделайте так, чтобы то, чего ждёт поток, всё-таки произошло: на каждый get есть put "
         "(или особое значение, по которому потребитель завершается), Event устанавливается на "
         "любом пути (try/finally), на каждый acquire семафора есть release (используйте `with`), "
         "Barrier рассчитан ровно на столько потоков, сколько до него доходит, задача не ждёт "
         "future, который может выполнить только её же занятый пул, никто не вызывает join для "
         "потока, который не может завершиться"},
    [LH_MSG_FIX_FORK_HELD] =
        {"in a program with threads, call only async-signal-safe functions between fork and exec "
         "(or use posix_spawn); for a lock the child needs, take it in a pthread_atfork prepare "
         "handler and release it in the parent and child handlers",
         "в многопоточной программе между fork и exec вызывайте только async-signal-safe функции "
         "(или используйте posix_spawn); блокировку, нужную дочернему процессу, захватывайте в "
         "обработчике prepare из pthread_atfork и освобождайте в обработчиках parent и child"},
    [LH_MSG_FIX_STALL] =
        {"make sure that whatever a thread waits for still happens: every barrier waited for by "
         "as many threads as its count, a post for every wait, the condition set and signalled "
         "under the mutex (and waited for in a loop that checks it), no thread joined that "
         "cannot end",
         "сделайте так, чтобы то, чего ждёт поток, всё-таки произошло: до барьера доходит столько "
         "потоков, сколько указано при его инициализации, на каждое ожидание семафора есть "
         "sem_post, условие меняют под мьютексом и после этого посылают сигнал (signal/broadcast), "
         "а ждут его в цикле с проверкой, никто не вызывает join для потока, который не может "
         "завершиться"},

    [LH_MSG_POSSIBLE_STALL_SUMMARY] =
        {"every thread is blocked (%u %s), but a wake-up can still come from outside "
         "the program's threads:",
         "все потоки заблокированы (%u %s), но разбудить их ещё может что-то извне "
         "потоков программы:"},
    [LH_MSG_WAKE_SIGNAL_HANDLER] =
        {"the program handles signals, and a handler may post the semaphore a thread waits on",
         "программа обрабатывает сигналы, и обработчик может вызвать sem_post для семафора, "
         "которого ждёт поток"},
    [LH_MSG_WAKE_OTHER_PROCESS] =
        {"a thread waits on a process-shared object, which another process may release",
         "поток ждёт объект, общий для нескольких процессов: его может освободить другой "
         "процесс"},
    [LH_MSG_WAKE_TIMER] = {"a timer is pending whose signal the program handles",
                           "взведён таймер, сигнал которого программа обрабатывает"},
    [LH_MSG_LET_RUN] = {"lockhound is not certain, and let the program run",
                        "lockhound не уверен и не стал завершать программу"},
    [LH_MSG_FIX_POSSIBLE_STALL] =
        {"nothing, if the wake-up comes (a shutdown signal, another process); if it may "
         "never come, fix it as a stall",
         "ничего, если пробуждение придёт (сигнал завершения, другой процесс); если оно "
         "может не прийти, исправьте как зависание (stall)"},
    [LH_MSG_POSSIBLE_LIVELOCK_SUMMARY] =
        {"%u %s keep failing to take locks that the others hold, but another thread "
         "may still make progress and end it",
         "%u %s раз за разом не могут захватить блокировки, которые удерживают "
         "другие, но другой поток ещё может продвинуться и прекратить это"},
    [LH_MSG_LIVELOCK_SUMMARY] =
        {"%u %s keep failing to take locks that the others hold, and none gets anywhere: a "
         "livelock",
         "%u %s раз за разом не могут захватить блокировки, которые удерживают другие, и никто "
         "не продвигается: активная блокировка (livelock)"},
    [LH_MSG_LIVELOCK_FAILED] = {" failed to take %s %" PRId64 " %s",
                                " не смог захватить блокировку %s %" PRId64 " %s"},
    [LH_MSG_LIVELOCK_IN_SECONDS] = {" in %s s", " за %s с"}, /* a decimal: "2.0" / "2,0" */
    [LH_MSG_LIVELOCK_NO_SUCCESS] = {" without one success", " без единого успеха"},
    [LH_MSG_LIVELOCK_KEEPS_FAILING] = {" keeps failing its trylocks",
                                       " раз за разом безуспешно вызывает trylock"},
    [LH_MSG_AT] = {"at", "место:"},
    [LH_MSG_FIX_LIVELOCK] =
        {"after a failed trylock, release what you hold and back off for a random, growing "
         "delay before trying again; or take the locks in one global order, so that no "
         "trylock is needed",
         "после неудачного trylock освободите всё, что удерживаете, и перед новой попыткой "
         "сделайте паузу случайной и всё большей длины; или захватывайте блокировки в едином "
         "глобальном порядке, "
         "чтобы trylock был не нужен"},

    [LH_MSG_UNLOCK_UNOWNED] = {"%s unlocks %s, which it does not hold",
                               "%s освобождает блокировку %s, которую не удерживает"},
    [LH_MSG_UNLOCK_UNLOCKED] =
        {"%s unlocks %s, which is not locked (unlocked twice, or never locked)",
         "%s освобождает блокировку %s, которая не захвачена (освобождена дважды или не "
         "захватывалась вовсе)"},
    [LH_MSG_DESTROY_LOCKED] = {"%s destroys %s while it is locked",
                               "%s уничтожает блокировку %s, пока она захвачена"},
    [LH_MSG_COND_UNOWNED_1] = {"%s waits on %s with %s, which it does not hold: a",
                               "%s ждёт сигнала (%s; %s), не удерживая этот мьютекс:"},
    [LH_MSG_COND_UNOWNED_2] = {"condition wait must be made with its mutex locked",
                               "ждать условную переменную можно только с захваченным мьютексом"},
    [LH_MSG_COND_MULTIPLE_1] =
        {"%s waits on %s with %s while another thread waits on it",
         "%s ждёт сигнала (%s; %s), пока другой поток ждёт ту же условную переменную"},
    [LH_MSG_COND_MULTIPLE_2] =
        {"with another mutex: all waits on one condition variable must use the same mutex",
         "с другим мьютексом: все ожидания одной условной переменной должны быть с одним "
         "мьютексом"},
    [LH_MSG_EXIT_HOLDING_LOCK] =
        {"%s ends while it holds %s: no other thread can ever take it again",
         "%s завершается, удерживая блокировку %s: ни один другой поток больше не сможет её "
         "захватить"},
    [LH_MSG_EXIT_HOLDING_LOCKS] =
        {"%s ends while it holds locks: a thread that locks one of them waits for ever "
         "(or, for a robust mutex, gets EOWNERDEAD)",
         "%s завершается, удерживая блокировки: поток, который захватит одну из них, будет "
         "ждать вечно (или, если это робастный мьютекс, получит EOWNERDEAD)"},
    [LH_MSG_EXIT_HOLDING_ROBUST] =
        {"%s ends while it holds %s, a robust mutex: the next thread to lock it gets "
         "EOWNERDEAD, and must repair what it protects and call pthread_mutex_consistent",
         "%s завершается, удерживая робастный мьютекс %s: следующий захвативший его поток "
         "получит EOWNERDEAD и должен восстановить защищаемые данные и вызвать "
         "pthread_mutex_consistent"},
    [LH_MSG_BARRIER_COUNT_ZERO_1] =
        {"%s initialises %s with a count of 0: a barrier must wait for at least one",
         "%s инициализирует %s со счётчиком 0: барьер должен ждать хотя бы один"},
    [LH_MSG_BARRIER_COUNT_ZERO_2] = {"thread (the call fails with EINVAL)",
                                     "поток (вызов завершится с EINVAL)"},
    [LH_MSG_BARRIER_REINIT] = {"%s initialises %s again while threads wait on it",
                               "%s повторно инициализирует объект, которого ждут потоки: %s"},
    [LH_MSG_DESTROY_WHILE_WAITED] = {"%s destroys %s while threads wait on it",
                                     "%s уничтожает объект, которого ждут потоки: %s"},
    [LH_MSG_MISUSES] = {"%s misuses %s (%s)", "%s неправильно использует объект: %s (%s)"},
    [LH_MSG_NO_DETAIL] = {"no detail given", "подробности не указаны"},
    [LH_MSG_SEM_OVERFLOW_1] =
        {"%s posts %s, whose value is already the largest a semaphore can hold",
         "%s вызывает sem_post (%s), но значение семафора уже наибольшее из возможных"},
    [LH_MSG_SEM_OVERFLOW_2] =
        {"(SEM_VALUE_MAX): sem_post fails with EOVERFLOW and the post is lost",
         "(SEM_VALUE_MAX): sem_post завершается с EOVERFLOW, и этот sem_post теряется"},
    [LH_MSG_JOIN_DETACHED] =
        {"%s joins %s, which is detached: a detached thread cannot be joined (EINVAL)",
         "%s вызывает join для %s, а тот отсоединён: отсоединённый (detached) поток нельзя "
         "ждать через join (EINVAL)"},
    [LH_MSG_JOIN_JOINED] =
        {"%s joins %s, which was joined already: a thread can be joined only once",
         "%s вызывает join для %s, который уже был дождан: join для потока делают только один раз"},
    [LH_MSG_JOIN_CONCURRENT] =
        {"%s joins %s while another thread is joining it: only one thread may join a thread",
         "%s вызывает join для %s, пока его ждёт другой поток: join для потока может делать "
         "только один поток"},
    [LH_MSG_JOIN_SELF] =
        {"%s joins itself, which can never end (EDEADLK)",
         "%s вызывает join для самого себя, а это ожидание никогда не закончится (EDEADLK)"},
    [LH_MSG_API_FAILED] =
        {"%s made a pthread call that failed (%s): the call did nothing, so the program "
         "must not go on as if it had worked",
         "%s сделал вызов pthread, который завершился ошибкой (%s): вызов ничего не сделал, и "
         "программа не должна продолжать работу так, будто он удался"},
    [LH_MSG_FIX_UNLOCK_UNOWNED] =
        {"only the thread that locked a mutex may unlock it; hand work to the other "
         "thread instead of the lock",
         "освобождать мьютекс может только захвативший его поток; передавайте другому "
         "потоку работу, а не блокировку"},
    [LH_MSG_FIX_UNLOCK_UNLOCKED] =
        {"unlock exactly once per lock, on every path (an early return or an error path "
         "often unlocks twice)",
         "освобождайте каждую блокировку ровно один раз на каждом пути выполнения (ранний "
         "return или обработка ошибки часто освобождают её дважды)"},
    [LH_MSG_FIX_DESTROY_LOCKED] =
        {"destroy a lock only when no thread holds it or will use it again (join the "
         "threads first)",
         "уничтожайте блокировку, только когда её никто не удерживает и не будет использовать "
         "(сначала дождитесь потоков через join)"},
    [LH_MSG_FIX_COND_UNOWNED] =
        {"lock the mutex, check the condition in a loop, wait, and unlock after the loop",
         "захватите мьютекс, проверяйте условие в цикле, ждите в цикле и освободите мьютекс "
         "после цикла"},
    [LH_MSG_FIX_COND_MULTIPLE] =
        {"protect the condition with one mutex and use that mutex in every wait on the "
         "condition variable",
         "защищайте условие одним мьютексом и используйте его в каждом ожидании этой "
         "условной переменной"},
    [LH_MSG_FIX_EXIT_HOLDING] =
        {"unlock everything before the thread returns or calls pthread_exit (check early "
         "returns and error paths)",
         "освободите все блокировки до выхода из потока или вызова pthread_exit (проверьте "
         "ранние return и обработку ошибок)"},
    [LH_MSG_FIX_BARRIER] =
        {"initialise a barrier once, with the number of threads that will wait on it, and "
         "destroy it after the last wait",
         "инициализируйте барьер один раз числом потоков, которые будут его ждать, и уничтожайте "
         "его после последнего ожидания"},
    [LH_MSG_FIX_SEMAPHORE] =
        {"destroy a semaphore only after its last wait, and keep posts matched with waits "
         "(a semaphore posted far more often than waited for overflows at SEM_VALUE_MAX)",
         "уничтожайте семафор только после последнего ожидания и следите, чтобы sem_post "
         "соответствовали ожиданиям (семафор, который увеличивают намного чаще, чем ждут, "
         "переполняется на SEM_VALUE_MAX)"},
    [LH_MSG_FIX_API] =
        {"check the return value of every pthread call, and join each joinable thread exactly once",
         "проверяйте результат каждого вызова pthread и ждите через join каждый присоединяемый "
         "поток "
         "ровно один раз"},
    [LH_MSG_HELD_BY_TAKEN_AT] = {"%s is held by %s, taken at",
                                 "блокировку %s удерживает %s; место захвата:"},
    [LH_MSG_WAS_TAKEN_AT] = {"%s was taken at", "блокировка %s захвачена здесь:"},
    [LH_MSG_WITH_MUTEX] = {"(with %s)", "(вместе с: %s)"},
    [LH_MSG_RELATED] = {"%s, at", "%s; место:"},
    [LH_MSG_RELATED_BY] = {"%s by %s, at", "%s (поток %s); место:"},
    [LH_MSG_DID_IT_AT] = {" did it at", " сделал это здесь:"},
    [LH_MSG_REINIT_HELD] =
        {"%s initialises %s again while a thread holds it: the holder's unlock then acts on a "
         "new, unlocked lock",
         "%s повторно инициализирует %s, пока её удерживает поток: разблокировка этим потоком "
         "подействует уже на новую, свободную блокировку"},
    [LH_MSG_REINIT_WAITED] =
        {"%s initialises %s again while threads wait on it: they wait on memory that is no "
         "longer the object they entered",
         "%s повторно инициализирует %s, пока его ждут потоки: они ждут на памяти, которая уже "
         "не тот объект, в который они вошли"},
    [LH_MSG_COND_DESTROY_WAITED_2] =
        {"(glibc's pthread_cond_destroy then blocks until every waiter has been woken)",
         "(pthread_cond_destroy в glibc при этом блокируется, пока не разбудят всех ждущих)"},
    [LH_MSG_USE_AFTER_DESTROY] = {"%s uses %s after it was destroyed",
                                  "%s использует объект после его уничтожения: %s"},
    [LH_MSG_COND_UNINITIALISED] =
        {"%s uses %s, which was never initialised (its memory is not that of a fresh "
         "condition variable)",
         "%s использует %s, который не был инициализирован (его память не похожа на новую "
         "условную переменную)"},
    [LH_MSG_TIMEOUT_RELATIVE_1] =
        {"%s gives a timed wait a deadline close to the clock's epoch: a relative timeout",
         "%s передаёт ожиданию с тайм-аутом момент времени около начала отсчёта часов:"},
    [LH_MSG_TIMEOUT_RELATIVE_2] =
        {"where an absolute time is expected, so the wait times out at once",
         "это относительный тайм-аут вместо абсолютного времени, и ожидание сразу истекает"},
    [LH_MSG_TIMEOUT_INVALID] =
        {"%s gives a timed wait a deadline whose tv_nsec is outside [0, 999999999]: the call "
         "fails with EINVAL",
         "%s передаёт ожиданию с тайм-аутом время, у которого tv_nsec вне [0, 999999999]: вызов "
         "завершится с EINVAL"},
    [LH_MSG_TIMEOUT_ON] = {"(the wait is for %s)", "(ожидание: %s)"},
    [LH_MSG_SIGNAL_UNLOCKED_1] = {"%s signals %s while nobody holds %s, the mutex its waiters use:",
                                  "%s посылает сигнал условной переменной %s, когда никто не "
                                  "удерживает %s — мьютекс, с которым её ждут:"},
    [LH_MSG_SIGNAL_UNLOCKED_2] =
        {"a bug if the condition was changed without that mutex (the wake-up can be lost)",
         "это ошибка, если условие изменили без этого мьютекса (пробуждение может потеряться)"},
    [LH_MSG_WAIT_UNDER_IF] =
        {"%s waits on %s inside an if, not a while loop: when the wait returns, the condition is "
         "not checked again",
         "%s ждёт %s внутри if, а не в цикле while: после возврата из ожидания условие больше не "
         "проверяется"},
    [LH_MSG_WAIT_NO_LOOP] =
        {"%s waits on %s once, in no loop: when the wait returns, nothing checks that the "
         "condition holds",
         "%s ждёт %s один раз, вне всякого цикла: после возврата из ожидания никто не проверяет, "
         "выполнено ли условие"},
    [LH_MSG_WAIT_NOT_IN_LOOP_2] =
        {"a wait may return with no signal (a spurious wake-up), and another thread may make the "
         "condition false again before this one runs",
         "ожидание может завершиться и без сигнала (ложное пробуждение), а другой поток может "
         "снова сделать условие ложным раньше, чем этот продолжит работу"},
    [LH_MSG_FIX_REINIT] =
        {"initialise an object once; to reuse it, make sure nobody holds or waits on it, "
         "destroy it, then initialise it",
         "инициализируйте объект один раз; чтобы использовать его заново, убедитесь, что его "
         "никто не удерживает и не ждёт, уничтожьте и только потом инициализируйте"},
    [LH_MSG_FIX_COND] =
        {"initialise a condition variable before its first use, wake and join its waiters "
         "before destroying it, and never use it after the destroy",
         "инициализируйте условную переменную до первого использования, разбудите и дождитесь "
         "ждущих до уничтожения и не используйте её после уничтожения"},
    [LH_MSG_FIX_TIMEOUT] =
        {"make the deadline absolute: clock_gettime on the wait's clock (CLOCK_REALTIME unless "
         "the call or the condition variable names another), plus the timeout, carrying "
         "nanoseconds past 999999999 into seconds",
         "задавайте абсолютное время: clock_gettime по часам ожидания (CLOCK_REALTIME, если "
         "вызов или условная переменная не задают другие) плюс тайм-аут, переносите "
         "наносекунды сверх 999999999 в секунды"},
    [LH_MSG_FIX_SIGNAL_UNLOCKED] =
        {"change the condition under the mutex; signalling after the unlock is then fine",
         "меняйте условие под мьютексом; тогда сигнал после разблокировки допустим"},
    [LH_MSG_FIX_WAIT_NOT_IN_LOOP] =
        {"wait in a loop that checks the condition: while (!condition) pthread_cond_wait(&cond, "
         "&mutex);",
         "ждите в цикле, который проверяет условие: while (!условие) pthread_cond_wait(&cond, "
         "&mutex);"},

    [LH_MSG_RACE_SUMMARY] =
        {"%s and %s access the same memory, at least one of them writing, and nothing orders "
         "the two accesses",
         "%s и %s обращаются к одной и той же памяти, хотя бы один из них пишет, и ничто не "
         "упорядочивает эти обращения"},
    [LH_MSG_RACE_GLOBAL_AT] =
        {"the memory: %s, a global or static variable defined at %s:%d",
         "память: %s, глобальная или статическая переменная, определена в %s:%d"},
    [LH_MSG_RACE_GLOBAL] = {"the memory: %s, a global or static variable",
                            "память: %s, глобальная или статическая переменная"},
    [LH_MSG_RACE_HEAP_BY] = {"the memory: %" PRIu64 " %s at offset %" PRIu64
                             " of a block of %" PRIu64 " %s "
                             "allocated by %s, at",
                             "память: %" PRIu64 " %s со смещением %" PRIu64
                             " в блоке размером %" PRIu64 " %s, "
                             "который выделил %s; место выделения:"},
    [LH_MSG_RACE_HEAP] = {"the memory: %" PRIu64 " %s at offset %" PRIu64 " of a block of %" PRIu64
                          " %s, "
                          "allocated at",
                          "память: %" PRIu64 " %s со смещением %" PRIu64
                          " в блоке размером %" PRIu64 " %s; "
                          "место выделения:"},
    [LH_MSG_RACE_OTHER] = {"the memory: %" PRIu64
                           " %s at %s, neither a global variable nor a heap block (a "
                           "thread's stack, or memory lockhound does not follow)",
                           "память: %" PRIu64
                           " %s по адресу %s, не глобальная переменная и не блок из кучи "
                           "(стек потока или память, за которой lockhound не следит)"},
    [LH_MSG_RACE_ACCESS] = {"%s of %" PRIu32 " %s by %s %s, %s, at",
                            "%s: %" PRIu32 " %s, поток %s %s, %s; место:"},
    [LH_MSG_RACE_EARLIER] = {"earlier, %s of %" PRIu32 " %s by %s %s, %s, at",
                             "раньше — %s: %" PRIu32 " %s, поток %s %s, %s; место:"},
    [LH_MSG_RACE_READ] = {"read", "чтение"},
    [LH_MSG_RACE_WRITE] = {"write", "запись"},
    [LH_MSG_RACE_ATOMIC_READ] = {"atomic read", "атомарное чтение"},
    [LH_MSG_RACE_ATOMIC_WRITE] = {"atomic write", "атомарная запись"},
    [LH_MSG_RACE_FREEING] = {"freeing of the block (free writes all of it)",
                             "освобождение блока (free записывает весь блок)"},
    [LH_MSG_RACE_SYNC_USE] = {"use of a lock or other synchronisation object (lock, unlock, wait "
                              "or post: an atomic read of its memory)",
                              "обращение к блокировке или другому объекту синхронизации "
                              "(lock, unlock, wait или post: атомарное чтение его памяти)"},
    [LH_MSG_RACE_ACCESS_CALL] = {"%s by %s %s, %s, at", "%s, поток %s %s, %s; место:"},
    [LH_MSG_RACE_EARLIER_CALL] = {"earlier, %s by %s %s, %s, at",
                                  "раньше — %s, поток %s %s, %s; место:"},
    [LH_MSG_FIX_RACE_LIFETIME] =
        {"free or destroy an object only once no thread can use it any more: join the threads "
         "that use it first (or count its users with an atomic counter and let the last one "
         "free it), and initialise it before the threads that use it are created",
         "освобождайте или уничтожайте объект только тогда, когда ни один поток уже не может им "
         "воспользоваться: сначала дождитесь (join) потоков, которые им пользуются (или считайте "
         "пользователей атомарным счётчиком, и пусть освобождает последний), а инициализируйте "
         "его до создания этих потоков"},
    [LH_MSG_RACE_SYNC_WRITE] = {"initialisation or destruction of a synchronisation object (a "
                                "write of its memory)",
                                "инициализация или уничтожение объекта синхронизации (запись его "
                                "памяти)"},
    [LH_MSG_RACE_HOLDING] = {"holding %s", "под блокировкой %s"},
    [LH_MSG_RACE_HOLDING_NOTHING] = {"holding no lock", "без блокировок"},
    [LH_MSG_RACE_WHY_NO_COMMON_LOCK] =
        {"why nothing protects it: %s held {%s}, %s held {%s}: no lock was held at "
         "both accesses,",
         "почему её ничто не защищает: %s удерживал {%s}, %s удерживал {%s} — ни одна "
         "блокировка не удерживалась при обоих обращениях сразу,"},
    [LH_MSG_RACE_WHY_READERS] =
        {"why nothing protects it: %s held {%s}, %s held {%s}: the lock both held, %s, was "
         "held for reading by both, which lets them in together,",
         "почему её ничто не защищает: %s удерживал {%s}, %s удерживал {%s} — общую "
         "блокировку %s оба удерживали только для чтения, а это пускает их одновременно,"},
    [LH_MSG_RACE_WHY_UNORDERED] =
        {"and no thread creation or join, semaphore, barrier, condition variable or atomic "
         "orders the two accesses",
         "и ни создание или join потока, ни семафор, барьер, условная переменная или "
         "атомарная операция не упорядочивают эти обращения"},
    [LH_MSG_FIX_RACE] =
        {"protect every access to this memory, reads too, with the same mutex in every thread; or "
         "make it atomic (<stdatomic.h>); or hand it over: write it before pthread_create, read it "
         "after pthread_join, or pass it through a semaphore or a barrier",
         "защитите каждое обращение к этой памяти, и чтение тоже, одним и тем же мьютексом во всех "
         "потоках; или сделайте её атомарной (<stdatomic.h>); или передавайте её явно: пишите до "
         "pthread_create, читайте после pthread_join или передавайте через семафор или барьер"},
    [LH_MSG_FIX_RACE_READERS] =
        {"a thread that writes must hold the rwlock for writing (pthread_rwlock_wrlock), "
         "so that no reader is inside at the same time",
         "поток, который пишет, должен удерживать блокировку чтения-записи для записи "
         "(pthread_rwlock_wrlock), чтобы одновременно с ним не было читателей"},
    [LH_MSG_RACE_STEP] = {"%s %s, holding {%s}", "%s %s, блокировки {%s}"},
    [LH_MSG_RACE_LOST_UPDATE] = {"both read the old value: one of the two updates is lost",
                                 "оба прочитали старое значение: одно из двух обновлений потеряно"},
    [LH_MSG_RACE_READ_OUTCOME] =
        {"%s may read before, after or in the middle of the write of %s: nothing decides "
         "which",
         "%s может прочитать до, после или посреди записи, которую делает %s, и ничто не "
         "определяет, что произойдёт раньше"},
    [LH_MSG_RACE_WRITE_OUTCOME] =
        {"the two writes land in an order nobody chose: one value is lost, or a torn mix "
         "of both stays",
         "две записи выполняются в порядке, который никто не выбирал: одно значение "
         "теряется или остаётся смесь обоих значений"},
    [LH_MSG_CONTENTION_NONE] =
        {"no contention profile in these runs (record one with `lockhound run --contention`)",
         "в этих запусках нет профиля конкуренции за блокировки (запишите его: "
         "`lockhound run --contention`)"},
    [LH_MSG_CONTENTION_HEADER] =
        {"lock contention, the locks threads waited for most first:",
         "конкуренция за блокировки, сначала те, которых потоки ждали дольше всего:"},
    [LH_MSG_COL_LOCK] = {"lock", "блокировка"},
    [LH_MSG_COL_ACQUISITIONS] = {"acquisitions", "захватов"},
    [LH_MSG_COL_HAD_TO_WAIT] = {"had to wait", "с ожиданием"},
    [LH_MSG_COL_TOTAL_WAIT] = {"total wait", "ждали всего"},
    [LH_MSG_COL_LONGEST] = {"longest", "дольше всего"},
    [LH_MSG_COL_TOTAL_HOLD] = {"total hold", "держали всего"},
    [LH_MSG_MORE_LOCKS] = {"(%zu more locks)", "(ещё блокировок: %zu)"},
    [LH_MSG_UNIT_S] = {"s", "с"},
    [LH_MSG_UNIT_MS] = {"ms", "мс"},
    [LH_MSG_UNIT_US] = {"us", "мкс"},
    [LH_MSG_UNIT_NS] = {"ns", "нс"},
    /* pictures of findings and the lock-order graph (labels and legend lines of DOT) */
    [LH_MSG_PIC_HOLDS_TAKEN_AT] = {"holds it, taken at\n%s", "удерживает её, захватил в\n%s"},
    [LH_MSG_PIC_HOLDS_AT_FAILURE] = {"holds it (at the last failed try)",
                                     "удерживает её (при последней неудачной попытке)"},
    [LH_MSG_PIC_WAITS_IN] = {"waits in %s at\n%s", "ждёт в %s, место:\n%s"},
    [LH_MSG_PIC_REQUESTS_AGAIN] = {"requests it again at\n%s", "запрашивает её снова в\n%s"},
    [LH_MSG_PIC_TRIES] = {"%lld failed trylocks at\n%s", "неудачных trylock: %lld, место:\n%s"},
    [LH_MSG_PIC_READ] = {"reads", "чтение"},
    [LH_MSG_PIC_WRITE] = {"writes", "запись"},
    [LH_MSG_PIC_ATOMIC_READ] = {"atomic read", "атомарное чтение"},
    [LH_MSG_PIC_ATOMIC_WRITE] = {"atomic write", "атомарная запись"},
    [LH_MSG_PIC_NO_LOCK] = {"no lock held", "без блокировок"},
    [LH_MSG_PIC_HOLDING] = {"holding %s", "под блокировкой %s"},
    [LH_MSG_PIC_AT] = {"%s at\n%s", "%s в\n%s"},
    [LH_MSG_PIC_BYTES] = {"%s, %lld bytes", "%s, байт: %lld"},
    [LH_MSG_PIC_VALUE] = {"value %lld", "значение %lld"},
    [LH_MSG_LEGEND_THREAD] = {"ellipse: a thread", "эллипс: поток"},
    [LH_MSG_LEGEND_LOCK] = {"box: a lock", "прямоугольник: блокировка"},
    [LH_MSG_LEGEND_OBJECT] = {"hexagon: a semaphore, condition variable or barrier",
                              "шестиугольник: семафор, условная переменная или барьер"},
    [LH_MSG_LEGEND_MEMORY] = {"folded page: the memory both accesses touch",
                              "листок с загнутым углом: память, к которой обращаются оба потока"},
    [LH_MSG_LEGEND_HOLDS] = {"solid black arrow from a thread: it holds that lock",
                             "сплошная чёрная стрелка от потока: он удерживает эту блокировку"},
    [LH_MSG_LEGEND_WAITS] =
        {"dashed red arrow: the thread is blocked there, waiting for that lock, "
         "object or thread",
         "красная пунктирная стрелка: поток заблокирован и ждёт эту "
         "блокировку, объект или поток"},
    [LH_MSG_LEGEND_AGAIN] = {"dashed red arrow to a lock the thread holds: it requests it again "
                             "and waits for itself",
                             "красная пунктирная стрелка к блокировке, которую поток уже "
                             "удерживает: он запрашивает её снова и ждёт сам себя"},
    [LH_MSG_LEGEND_TRIES] = {"dotted orange arrow: the thread keeps failing trylocks on that lock",
                             "оранжевая точечная стрелка: попытки потока захватить эту "
                             "блокировку через trylock раз за разом не удаются"},
    [LH_MSG_LEGEND_ACCESS] = {"bold red arrow to the memory: one access of the race (read or "
                              "write, where, the locks held)",
                              "жирная красная стрелка к памяти: одно из двух обращений гонки "
                              "(чтение или запись, место, удерживаемые блокировки)"},
    [LH_MSG_LEGEND_CALL] = {"bold red arrow: the call the finding is about, and where it was made",
                            "жирная красная стрелка: вызов, о котором эта находка, и его место"},
    [LH_MSG_LEGEND_ORDER] = {"A -> B: a thread took B while holding A",
                             "A -> B: поток захватил B, удерживая A"},
    [LH_MSG_LEGEND_ORDER_RED] = {"red, bold: part of a reported potential deadlock",
                                 "красное, жирное: часть найденной возможной взаимной блокировки"},
    [LH_MSG_LEGEND_ORDER_GREY] =
        {"grey: an order that cannot deadlock (taken the same way by every thread, or kept apart "
         "by a gate lock, a single thread or thread creation/join)",
         "серое: порядок, который не приводит к взаимной блокировке (все потоки соблюдают его, "
         "или их разводят общая внешняя блокировка, один поток, создание/join потоков)"},
    [LH_MSG_LEGEND_DEADLOCK_WAIT] = {"dashed: a thread waited for B while holding A in a deadlock "
                                     "that happened",
                                     "пунктир: поток ждал B, удерживая A, во взаимной "
                                     "блокировке, которая произошла"},
    [LH_MSG_GRAPH_TITLE] = {"lock-order graph of %s (locks: %zu, orders: %zu)",
                            "граф порядка захвата блокировок, %s (блокировок: %zu, рёбер: %zu)"},
    [LH_MSG_GRAPH_LEFT_OUT] = {"%zu more locks not drawn: above %d locks only those on cycles are "
                               "drawn",
                               "ещё блокировок не нарисовано: %zu; когда их больше %d, рисуются "
                               "только блокировки на циклах"},
    [LH_MSG_GRAPH_LEFT_OUT_NEIGHBOURS] = {"%zu more locks not drawn: above %d locks only those on "
                                          "cycles and their neighbours are drawn",
                                          "ещё блокировок не нарисовано: %zu; когда их больше %d, "
                                          "рисуются только блокировки на циклах и их соседи"},
    [LH_MSG_GRAPH_NOTHING] = {"no lock was taken while another was held:\nthere is no lock order "
                              "to draw",
                              "ни одна блокировка не захватывалась при удержании другой:\n"
                              "порядка захвата, который можно нарисовать, нет"},
    [LH_MSG_GRAPH_FINDINGS_LEFT_OUT] = {"%zu more findings not drawn (at most %d are)",
                                        "ещё находок не нарисовано: %zu (рисуется не больше %d)"},
};

/* [kind][lang]; English is finding_kinds.def's title. */
static const char *const titles_ru[LH_FINDING_KIND_COUNT] = {
    [LH_FINDING_LOCK_ORDER_INVERSION] =
        "возможная взаимная блокировка (нарушение порядка захвата блокировок)",
    [LH_FINDING_DEADLOCK] = "потоки вечно ждут друг друга (взаимная блокировка)",
    [LH_FINDING_TIMED_WAIT_CYCLE] = "потоки ждут друг друга до истечения тайм-аута",
    [LH_FINDING_SELF_DEADLOCK] = "поток повторно захватывает блокировку, которую уже удерживает",
    [LH_FINDING_STALL] = "все потоки заблокированы",
    [LH_FINDING_LIVELOCK] =
        "потоки раз за разом безуспешно вызывают trylock (активная блокировка, livelock)",
    [LH_FINDING_UNLOCK_UNOWNED] = "освобождение блокировки, которую поток не удерживает",
    [LH_FINDING_UNLOCK_UNLOCKED] = "освобождение незахваченной блокировки",
    [LH_FINDING_DESTROY_LOCKED] = "уничтожение захваченной блокировки",
    [LH_FINDING_COND_WAIT_UNOWNED_MUTEX] =
        "ожидание условной переменной с мьютексом, который поток не удерживает",
    [LH_FINDING_COND_MULTIPLE_MUTEXES] = "одна условная переменная используется с двумя мьютексами",
    [LH_FINDING_EXIT_HOLDING_LOCK] = "поток завершается, удерживая блокировку",
    [LH_FINDING_BARRIER_MISUSE] = "неправильное использование барьера",
    [LH_FINDING_SEMAPHORE_MISUSE] = "неправильное использование семафора",
    [LH_FINDING_API_ERROR] = "вызов pthread, который программа сделала неправильно",
    [LH_FINDING_DATA_RACE] = "гонка данных",
    [LH_FINDING_POSSIBLE_STALL] =
        "все потоки заблокированы, но их ещё может разбудить что-то извне",
    [LH_FINDING_SINGLE_THREAD_LOCK_ORDER] =
        "один поток захватывает блокировки в противоположном порядке",
    [LH_FINDING_POSSIBLE_LIVELOCK] =
        "потоки раз за разом безуспешно вызывают trylock, но программа ещё может продвинуться",
    [LH_FINDING_REINIT_IN_USE] = "повторная инициализация используемого объекта",
    [LH_FINDING_COND_MISUSE] = "неправильное использование условной переменной",
    [LH_FINDING_RELATIVE_TIMEOUT] =
        "ожиданию с тайм-аутом передано относительное или неверное время",
    [LH_FINDING_COND_SIGNAL_UNLOCKED] =
        "сигнал условной переменной, когда её мьютекс никто не удерживает",
    [LH_FINDING_COND_WAIT_NOT_IN_LOOP] =
        "ожидание условной переменной, после которого условие не проверяется снова",
};

/* English: singular, plural. Russian: 1 (21, 31...), 2-4 (22-24...), 5-20 and the rest. The
 * Russian lock form is the accusative, as in "захватывают 2 блокировки". */
static const char *const words[LH_WORD_COUNT][LH_LANG_COUNT][3] = {
    [LH_WORD_THREAD] = {{"thread", "threads"}, {"поток", "потока", "потоков"}},
    [LH_WORD_LOCK] = {{"lock", "locks"}, {"блокировку", "блокировки", "блокировок"}},
    [LH_WORD_TIME] = {{"time", "times"}, {"раз", "раза", "раз"}},
    [LH_WORD_RUN_FILE] = {{"run file", "run files"},
                          {"файл запуска", "файла запуска", "файлов запуска"}},
    [LH_WORD_CYCLE] = {{"cycle", "cycles"}, {"цикл", "цикла", "циклов"}},
    [LH_WORD_BYTE] = {{"byte", "bytes"}, {"байт", "байта", "байт"}},
};

static const char *const lock_words_ru[] = {"мьютекс", "блокировка чтения-записи",
                                            "спин-блокировка", "мьютекс C11"};
static const char *const object_words_ru[] = {"семафор", "условная переменная", "барьер"};

static enum lh_lang checked(enum lh_lang lang) {
  return (unsigned)lang < LH_LANG_COUNT ? lang : LH_LANG_EN;
}

const char *lh_msg_raw(enum lh_lang lang, enum lh_msg id) {
  if ((unsigned)id >= LH_MSG_COUNT || (unsigned)lang >= LH_LANG_COUNT) return NULL;
  return messages[id][lang];
}

const char *lh_msg(enum lh_lang lang, enum lh_msg id) {
  const char *s = lh_msg_raw(checked(lang), id);
  if (!s) s = lh_msg_raw(LH_LANG_EN, id);
  return s ? s : "?";
}

static size_t plural_form(enum lh_lang lang, long long n) {
  if (n < 0) n = -n;
  if (lang == LH_LANG_EN) return n == 1 ? 0 : 1;
  if (n % 10 == 1 && n % 100 != 11) return 0;
  if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14)) return 1;
  return 2;
}

const char *lh_word(enum lh_lang lang, enum lh_word word, long long n) {
  lang = checked(lang);
  if ((unsigned)word >= LH_WORD_COUNT) return "?";
  const char *s = words[word][lang][plural_form(lang, n)];
  return s ? s : "?";
}

const char *lh_word_raw(enum lh_lang lang, enum lh_word word, size_t form) {
  if ((unsigned)word >= LH_WORD_COUNT || (unsigned)lang >= LH_LANG_COUNT || form > 2) return NULL;
  return words[word][lang][form];
}

const char *lh_kind_title_raw(enum lh_lang lang, enum lh_finding_kind kind) {
  if ((unsigned)kind >= LH_FINDING_KIND_COUNT) return NULL;
  switch (lang) {
  case LH_LANG_EN: return lh_kind_title(kind);
  case LH_LANG_RU: return titles_ru[kind];
  default: return NULL;
  }
}

const char *lh_kind_title_in(enum lh_lang lang, enum lh_finding_kind kind) {
  const char *s = lh_kind_title_raw(checked(lang), kind);
  return s ? s : lh_kind_title(kind);
}

const char *lh_lock_kind_word_in(enum lh_lang lang, enum lh_lock_kind kind) {
  if (lang == LH_LANG_RU && (unsigned)kind < sizeof lock_words_ru / sizeof *lock_words_ru)
    return lock_words_ru[kind];
  return lh_lock_kind_word(kind);
}

const char *lh_object_kind_word_in(enum lh_lang lang, enum lh_object_kind kind) {
  if (lang == LH_LANG_RU && (unsigned)kind < sizeof object_words_ru / sizeof *object_words_ru)
    return object_words_ru[kind];
  return lh_object_kind_word(kind);
}

static const char *const lang_names[LH_LANG_COUNT] = {"en", "ru"};

bool lh_lang_parse(const char *name, enum lh_lang *out) {
  for (int l = 0; l < LH_LANG_COUNT; l++)
    if (name && strcmp(name, lang_names[l]) == 0) {
      *out = (enum lh_lang)l;
      return true;
    }
  return false;
}

const char *lh_lang_name(enum lh_lang lang) { return lang_names[checked(lang)]; }

size_t lh_text_width(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}
