/* explanations.c - the catalogue of --explain texts: for every finding kind, what goes wrong, why,
 * and the usual fixes, a few short lines each, in English and Russian. Written for a student who
 * meets the kind for the first time; docs/findings.md has the long version. The lines are kept
 * under 90 columns so that the report needs no wrapping. */
#include "report/i18n/explanations.h"

#include <stddef.h>

#define E(kind) [kind] = &(const struct lh_explanation)

static const struct lh_explanation *const english[LH_FINDING_KIND_COUNT] = {
    E(LH_FINDING_LOCK_ORDER_INVERSION){
        {"Two threads take the same locks in opposite orders. This run was lucky; another may "
         "hang.",
         NULL},
        {"If each thread gets its first lock before the other gets its second, each waits for",
         "a lock the other holds, and neither can ever go on.", NULL},
        {"take the locks in one global order in every thread (by rank, by address)",
         "do not call out while holding a lock; or use one lock instead of two",
         "or take the second lock with trylock and, on failure, release the first and retry"}},
    E(LH_FINDING_DEADLOCK){
        {"The threads of a cycle each wait for something the next one holds: the program hangs.",
         NULL},
        {"Each took a lock (or waits in a join) and then waits for a lock the next thread holds;",
         "nobody releases anything while waiting, so nobody ever gets through.", NULL},
        {"take the locks in one global order in every thread",
         "hold one lock at a time where you can",
         "never join a thread while holding a lock that thread needs"}},
    E(LH_FINDING_TIMED_WAIT_CYCLE){
        {"Threads wait for each other in a cycle, but one wait has a timeout.", NULL},
        {"When the timeout expires the call fails with ETIMEDOUT and the cycle breaks:",
         "the work of that attempt is lost, and the retry can meet the same cycle.", NULL},
        {"fix the lock order as for a deadlock: a timeout hides the bug, it does not remove it",
         NULL}},
    E(LH_FINDING_SELF_DEADLOCK){
        {"A thread takes again a lock it already holds (a non-recursive mutex, an rwlock), and",
         "waits for itself."},
        {"A normal mutex does not remember its owner's count: the second lock waits for an",
         "unlock that only this same, now blocked, thread could make.", NULL},
        {"split the function: one part takes the lock, the other expects it to be held",
         "make the mutex recursive only if re-entry is really intended", NULL}},
    E(LH_FINDING_STALL){
        {"Every thread is blocked, and none is left that could wake the others.", NULL},
        {"A barrier waits for more threads than will come, a semaphore nobody will post, or a",
         "signal sent before the wait and lost (the wait did not check its condition).", NULL},
        {"give a barrier the number of threads that really reach it; post once per wait",
         "set the condition under the mutex, and wait in a loop: while (!ready) wait(...)", NULL}},
    E(LH_FINDING_LIVELOCK){
        {"Threads keep running but get nowhere: each trylock fails because another thread holds",
         "the lock, and they retry in lock step for ever.", NULL},
        {"Each takes one lock, tries the other, fails, releases and starts again at the same",
         "pace as the other thread, so they keep colliding.", NULL},
        {"after a failure, back off for a random, growing delay",
         "better: take the locks in one global order, so that no trylock is needed", NULL}},
    E(LH_FINDING_UNLOCK_UNOWNED){
        {"A thread unlocks a mutex that another thread holds.", NULL},
        {"Only the owner may unlock a mutex: the holder's critical section is broken, and for a",
         "normal mutex the behaviour is undefined.", NULL},
        {"let the thread that locked a mutex unlock it",
         "to hand over work, signal the other thread (condition variable, semaphore)", NULL}},
    E(LH_FINDING_UNLOCK_UNLOCKED){
        {"A thread unlocks a mutex that nobody holds: twice, or never locked.", NULL},
        {"Usually an error path or an early return that unlocks a second time.", NULL},
        {"one unlock per lock on every path; a single exit point (goto out;) helps", NULL}},
    E(LH_FINDING_DESTROY_LOCKED){
        {"A lock is destroyed while a thread holds it.", NULL},
        {"The holder will unlock memory that is no longer a lock: undefined behaviour.", NULL},
        {"join the threads that use a lock before destroying it", NULL}},
    E(LH_FINDING_COND_WAIT_UNOWNED_MUTEX){
        {"A condition wait is made with a mutex the thread does not hold.", NULL},
        {"The wait releases the mutex and takes it again: the check of the condition before it",
         "is unprotected, and a signal can be lost.", NULL},
        {"lock the mutex; while (!condition) pthread_cond_wait(&cv, &m); then unlock", NULL}},
    E(LH_FINDING_COND_MULTIPLE_MUTEXES){
        {"One condition variable is waited on with two different mutexes at the same time.", NULL},
        {"A condition variable belongs to the mutex that protects its condition; POSIX leaves",
         "two at once undefined.", NULL},
        {"protect each condition with one mutex, and use it in every wait on that variable", NULL}},
    E(LH_FINDING_EXIT_HOLDING_LOCK){
        {"A thread ends while it still holds locks.", NULL},
        {"Nobody can unlock them: the next thread that needs one hangs (a robust mutex is handed",
         "on with EOWNERDEAD instead, and the data it protects may be half-updated).", NULL},
        {"unlock before every return (check early returns and error paths)",
         "pthread_cleanup_push can unlock on cancellation and pthread_exit", NULL}},
    E(LH_FINDING_BARRIER_MISUSE){
        {"A barrier is initialised with a count of 0, or again or destroyed while threads wait on "
         "it.",
         NULL},
        {"Threads waiting on it then wait on memory that is no longer the barrier they entered.",
         NULL},
        {"initialise a barrier once, with the number of threads that will wait on it",
         "destroy it after the last wait", NULL}},
    E(LH_FINDING_SEMAPHORE_MISUSE){
        {"A semaphore is destroyed while threads wait on it, or posted past its maximum.", NULL},
        {"A destroyed semaphore leaves its waiters undefined; a post past SEM_VALUE_MAX fails",
         "with EOVERFLOW and the post is lost.", NULL},
        {"destroy a semaphore after its last wait; keep posts matched with waits", NULL}},
    E(LH_FINDING_API_ERROR){
        {"A pthread call failed: what it should have done did not happen.", NULL},
        {"Joining a detached thread, or a thread that was joined already, fails with an error",
         NULL},
        {"check the return value of every pthread call",
         "join each joinable thread exactly once, from one thread; never join a detached one",
         NULL}},
    E(LH_FINDING_DATA_RACE){
        {"Two threads touch the same memory, one of them writing, and nothing orders the two.",
         NULL},
        {"`x++` is a read then a write: two threads can both read the old value, and one update is",
         "lost; a reader can see a half-written value; the compiler and the CPU reorder plain",
         "accesses or keep them in registers, as they assume that no other thread looks at them."},
        {"take the same mutex around every access, in every thread, reads included",
         "or make the variable atomic (<stdatomic.h>: atomic_fetch_add, release/acquire)",
         "or hand the data over: before pthread_create, after pthread_join, through a semaphore"}},
    E(LH_FINDING_POSSIBLE_STALL){
        {"Every thread was blocked for a long time, but something outside them could still wake "
         "one.",
         NULL},
        {"A signal handler may post a semaphore, another process may release a process-shared",
         "object: a daemon waiting for SIGTERM looks like this. lockhound let the program run.",
         NULL},
        {"nothing, if the wake-up is meant to come (a shutdown signal, a partner process)",
         "if it may never come, fix it as a stall: a post or a signal for every wait", NULL}},
    E(LH_FINDING_POSSIBLE_LIVELOCK){
        {"Threads kept failing trylocks on each other's locks, but another thread could still run.",
         NULL},
        {"A thread that is not blocked (or a timed wait) may end the polling: a bounded polling",
         "phase looks like this for a while. lockhound let the program run.", NULL},
        {"back off for a random, growing delay after a failed trylock",
         "better: take the locks in one global order, so that no trylock is needed", NULL}},
    E(LH_FINDING_SINGLE_THREAD_LOCK_ORDER){
        {"One thread takes the same locks in opposite orders at two places of the code.", NULL},
        {"A thread never waits for itself this way, so this run was safe. But the moment two",
         "threads run these two places at once, each can hold the lock the other wants.", NULL},
        {"take the locks in one global order at every place, as if two threads ran them",
         "if only one thread will ever run this code, suppress the warning and say why", NULL}},
    E(LH_FINDING_REINIT_IN_USE){
        {"A lock, condition variable, barrier or semaphore is initialised again while in use:",
         "a thread holds the lock, or threads wait on the object."},
        {"Init writes a fresh object over the live one: the holder's unlock or the waiters'",
         "wake-up then acts on an object that no longer knows them (undefined behaviour).", NULL},
        {"initialise once, before the threads that use the object start",
         "to reuse it: join its users, destroy it, then initialise it again",
         "in a fork child, re-initialising the locks other threads held is fine (not reported)"}},
    E(LH_FINDING_COND_MISUSE){
        {"A condition variable is destroyed while threads wait on it, used after its destroy,",
         "or used without ever being initialised."},
        {"glibc's pthread_cond_destroy blocks until every waiter has been woken, so a destroy",
         "with a sleeping waiter hangs; after a destroy the memory is no condition variable."},
        {"wake the waiters (set the condition and broadcast), join them, then destroy",
         "initialise with pthread_cond_init or PTHREAD_COND_INITIALIZER before the first use",
         NULL}},
    E(LH_FINDING_RELATIVE_TIMEOUT){
        {"A timed wait is given a deadline that is a relative timeout (a few seconds after the",
         "clock's epoch), or whose tv_nsec is not in [0, 999999999]."},
        {"The timed calls take an absolute time: {5, 0} means 5 s after 1970, long past, so the",
         "wait times out at once; a bad tv_nsec makes the call fail with EINVAL.", NULL},
        {"deadline = now + timeout: clock_gettime(CLOCK_REALTIME, &t), t.tv_sec += seconds",
         "use the wait's clock (pthread_condattr_setclock, pthread_cond_clockwait's argument)",
         "carry: if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }"}},
    E(LH_FINDING_COND_SIGNAL_UNLOCKED){
        {"A condition variable is signalled while nobody holds the mutex its waiters use.", NULL},
        {"Legal, and fine when the condition was changed under the mutex before the unlock. A bug",
         "when the condition is changed without the mutex: a waiter that has just checked it",
         "and not yet slept misses the signal for ever (the lost wake-up)."},
        {"change the condition under the mutex; signal before or after the unlock",
         "if the condition really is changed without the mutex, take the mutex for the change",
         NULL}},
    E(LH_FINDING_COND_WAIT_NOT_IN_LOOP){
        {"A thread waits on a condition variable, and when the wait returns it goes on as if the",
         "condition held, without checking it again: an if where a while belongs.", NULL},
        {"A wait may return with no signal at all (a spurious wake-up, which POSIX allows), and a",
         "signal or broadcast can wake several threads: the first to run takes the item, and the",
         "others find the buffer empty again. Only a loop that checks again is safe."},
        {"while (!condition) pthread_cond_wait(&cond, &mutex);  /* not if */",
         "C++: cv.wait(lock, [&] { return condition; }) loops for you"}},
};

static const struct lh_explanation *const russian[LH_FINDING_KIND_COUNT] = {
    E(LH_FINDING_LOCK_ORDER_INVERSION){
        {"Два потока захватывают одни и те же блокировки в противоположном порядке.",
         "В этот раз повезло, но другой запуск может зависнуть.", NULL},
        {"Если каждый поток успеет захватить первую блокировку раньше, чем другой — вторую, каждый",
         "будет ждать блокировку, которую удерживает другой, и ни один не сможет продолжить.",
         NULL},
        {"захватывайте блокировки в едином глобальном порядке во всех потоках (по рангу, по "
         "адресу)",
         "не вызывайте чужой код, удерживая блокировку; или замените две блокировки одной",
         "или берите вторую через trylock и при неудаче освобождайте первую и повторяйте"}},
    E(LH_FINDING_DEADLOCK){
        {"Потоки цикла ждут друг друга: каждый ждёт то, что удерживает следующий. Программа "
         "зависла.",
         NULL},
        {"Каждый захватил блокировку (или ждёт в join) и ждёт блокировку следующего потока;",
         "пока поток ждёт, он ничего не освобождает, поэтому не пройдёт никто.", NULL},
        {"захватывайте блокировки в едином глобальном порядке во всех потоках",
         "по возможности держите не больше одной блокировки за раз",
         "не ждите поток через join, удерживая нужную ему блокировку"}},
    E(LH_FINDING_TIMED_WAIT_CYCLE){
        {"Потоки ждут друг друга по кругу, но одно из ожиданий ограничено тайм-аутом.", NULL},
        {"Когда тайм-аут истечёт, вызов вернёт ETIMEDOUT и цикл разорвётся: работа этой",
         "попытки потеряна, а повтор может снова попасть в тот же цикл.", NULL},
        {"исправьте порядок захвата, как при взаимной блокировке: тайм-аут прячет ошибку, а не "
         "устраняет её",
         NULL}},
    E(LH_FINDING_SELF_DEADLOCK){
        {"Поток повторно захватывает блокировку, которую уже удерживает (нерекурсивный мьютекс,",
         "блокировку чтения-записи), и ждёт сам себя."},
        {"Обычный мьютекс не считает захваты владельца: второй захват ждёт освобождения, которое",
         "мог бы сделать только этот же, теперь заблокированный, поток.", NULL},
        {"разделите функцию: одна часть захватывает блокировку, другая рассчитывает, что она "
         "захвачена",
         "делайте мьютекс рекурсивным, только если повторный вход действительно задуман", NULL}},
    E(LH_FINDING_STALL){
        {"Все потоки заблокированы, и не осталось ни одного, кто мог бы разбудить остальных.",
         NULL},
        {"Барьер ждёт больше потоков, чем до него дойдёт; семафор, для которого никто не вызовет "
         "sem_post;",
         "или сигнал пришёл раньше ожидания и потерялся (ожидание не проверяло условие).", NULL},
        {"задайте барьеру число потоков, которые действительно до него дойдут; по одному sem_post "
         "на каждое ожидание",
         "меняйте условие под мьютексом и ждите в цикле: while (!ready) wait(...)", NULL}},
    E(LH_FINDING_LIVELOCK){
        {"Потоки работают, но не продвигаются: каждый trylock неудачен, потому что блокировку "
         "держит",
         "другой поток, и они повторяют попытки в такт друг другу бесконечно (активная "
         "блокировка).",
         NULL},
        {"Каждый захватывает одну блокировку, пробует другую, получает отказ, освобождает и "
         "начинает",
         "заново в том же темпе, что и другой поток, поэтому они всё время сталкиваются.", NULL},
        {"после неудачи делайте паузу случайной и всё большей длины",
         "лучше: захватывайте блокировки в едином глобальном порядке, тогда trylock не нужен",
         NULL}},
    E(LH_FINDING_UNLOCK_UNOWNED){
        {"Поток освобождает мьютекс, который удерживает другой поток.", NULL},
        {"Освобождать мьютекс может только владелец: критическая секция владельца нарушена,",
         "а для обычного мьютекса поведение не определено.", NULL},
        {"пусть мьютекс освобождает тот поток, который его захватил",
         "чтобы передать работу, подайте сигнал другому потоку (условная переменная, семафор)",
         NULL}},
    E(LH_FINDING_UNLOCK_UNLOCKED){
        {"Поток освобождает мьютекс, который никто не удерживает: дважды или без захвата.", NULL},
        {"Обычно это путь обработки ошибки или ранний return, который освобождает второй раз.",
         NULL},
        {"одно освобождение на один захват на каждом пути; помогает единая точка выхода (goto "
         "out;)",
         NULL}},
    E(LH_FINDING_DESTROY_LOCKED){
        {"Блокировку уничтожают, пока её удерживает поток.", NULL},
        {"Владелец потом освободит память, которая уже не блокировка: поведение не определено.",
         NULL},
        {"дождитесь через join потоков, использующих блокировку, прежде чем её уничтожать", NULL}},
    E(LH_FINDING_COND_WAIT_UNOWNED_MUTEX){
        {"Ожидание условной переменной вызвано с мьютексом, который поток не удерживает.", NULL},
        {"Ожидание освобождает мьютекс и захватывает его снова: проверка условия перед ним",
         "ничем не защищена, и сигнал может потеряться.", NULL},
        {"захватите мьютекс; while (!условие) pthread_cond_wait(&cv, &m); затем освободите", NULL}},
    E(LH_FINDING_COND_MULTIPLE_MUTEXES){
        {"Одну условную переменную одновременно ждут с двумя разными мьютексами.", NULL},
        {"Условная переменная принадлежит мьютексу, который защищает её условие; два сразу",
         "POSIX не определяет.", NULL},
        {"защищайте каждое условие одним мьютексом и используйте его во всех ожиданиях", NULL}},
    E(LH_FINDING_EXIT_HOLDING_LOCK){
        {"Поток завершается, всё ещё удерживая блокировки.", NULL},
        {"Их уже никто не освободит: следующий поток, которому они нужны, зависнет (робастный "
         "мьютекс",
         "вместо этого передаётся с EOWNERDEAD, а защищаемые им данные могут быть недописаны).",
         NULL},
        {"освобождайте блокировки перед каждым return (проверьте ранние выходы и обработку ошибок)",
         "pthread_cleanup_push может освободить их при отмене потока и pthread_exit", NULL}},
    E(LH_FINDING_BARRIER_MISUSE){
        {"Барьер инициализирован со счётчиком 0, либо повторно инициализирован или уничтожен,",
         "пока его ждут потоки.", NULL},
        {"Ждущие потоки остаются на памяти, которая уже не тот барьер, в который они вошли.", NULL},
        {"инициализируйте барьер один раз числом потоков, которые будут его ждать",
         "уничтожайте его после последнего ожидания", NULL}},
    E(LH_FINDING_SEMAPHORE_MISUSE){
        {"Семафор уничтожен, пока его ждут потоки, или sem_post превысил его максимум.", NULL},
        {"Ждущие уничтоженного семафора остаются в неопределённом состоянии; sem_post сверх",
         "SEM_VALUE_MAX завершается с EOVERFLOW, и этот sem_post теряется.", NULL},
        {"уничтожайте семафор после последнего ожидания; число sem_post должно соответствовать "
         "ожиданиям",
         NULL}},
    E(LH_FINDING_API_ERROR){
        {"Вызов pthread завершился ошибкой: то, что он должен был сделать, не произошло.", NULL},
        {"join для отсоединённого потока или для уже дожданного потока возвращает ошибку.", NULL},
        {"проверяйте результат каждого вызова pthread",
         "ждите через join каждый присоединяемый поток ровно один раз и из одного потока", NULL}},
    E(LH_FINDING_DATA_RACE){
        {"Два потока обращаются к одной памяти, хотя бы один пишет, и ничто их не упорядочивает.",
         NULL},
        {"`x++` — чтение и запись: одно из двух обновлений может потеряться; читатель может "
         "увидеть",
         "недописанное значение; компилятор и процессор переставляют обычные обращения и держат",
         "значения в регистрах, считая, что другие потоки к этим данным не обращаются."},
        {"захватывайте один мьютекс вокруг каждого обращения во всех потоках, и при чтении тоже",
         "или сделайте переменную атомарной (<stdatomic.h>: atomic_fetch_add, release/acquire)",
         "или передавайте данные явно: до pthread_create, после pthread_join, через семафор"}},
    E(LH_FINDING_POSSIBLE_STALL){
        {"Все потоки долго были заблокированы, но что-то извне ещё могло разбудить один из них.",
         NULL},
        {"Обработчик сигнала может вызвать sem_post, другой процесс может освободить общий объект:",
         "так выглядит демон, который ждёт SIGTERM. lockhound не стал завершать программу.", NULL},
        {"ничего, если пробуждение должно прийти (сигнал завершения, процесс-партнёр)",
         "если оно может не прийти, исправьте как зависание: sem_post или сигнал на каждое "
         "ожидание",
         NULL}},
    E(LH_FINDING_POSSIBLE_LIVELOCK){
        {"Потоки раз за разом не могли захватить блокировки друг друга, но другой поток ещё "
         "работал.",
         NULL},
        {"Поток, который не заблокирован (или ждёт с тайм-аутом), может прекратить опрос: так",
         "какое-то время выглядит ограниченная фаза опроса. lockhound не стал завершать программу.",
         NULL},
        {"после неудачного trylock делайте паузу случайной и всё большей длины",
         "лучше: захватывайте блокировки в одном порядке, тогда trylock не нужен", NULL}},
    E(LH_FINDING_SINGLE_THREAD_LOCK_ORDER){
        {"Один поток захватывает одни и те же блокировки в противоположном порядке в двух местах.",
         NULL},
        {"Сам себя поток так не заблокирует, поэтому этот запуск безопасен. Но как только два",
         "потока выполнят эти два места одновременно, каждый может держать то, что нужно другому.",
         NULL},
        {"захватывайте блокировки в одном порядке во всех местах, как будто их выполняют два "
         "потока",
         "если этот код всегда выполняет только один поток, подавите предупреждение и объясните "
         "почему",
         NULL}},
    E(LH_FINDING_REINIT_IN_USE){
        {"Блокировка, условная переменная, барьер или семафор повторно инициализируются во",
         "время использования: блокировку удерживает поток или объект ждут потоки."},
        {"Инициализация записывает новый объект поверх живого: разблокировка или пробуждение",
         "ждущих действуют на объект, который о них уже не знает (неопределённое поведение).",
         NULL},
        {"инициализируйте один раз, до запуска потоков, которые используют объект",
         "чтобы использовать заново: дождитесь пользователей, уничтожьте, инициализируйте снова",
         "в дочернем процессе после fork повторная инициализация блокировок допустима"}},
    E(LH_FINDING_COND_MISUSE){
        {"Условную переменную уничтожают, пока её ждут потоки, используют после уничтожения",
         "или используют, ни разу не инициализировав."},
        {"pthread_cond_destroy в glibc блокируется, пока не разбудят всех ждущих, поэтому",
         "уничтожение при спящем ожидающем зависает; после уничтожения память уже не объект."},
        {"разбудите ждущих (установите условие и вызовите broadcast), дождитесь их, уничтожьте",
         "инициализируйте через pthread_cond_init или PTHREAD_COND_INITIALIZER до использования",
         NULL}},
    E(LH_FINDING_RELATIVE_TIMEOUT){
        {"Ожиданию с тайм-аутом передан относительный тайм-аут (несколько секунд от начала",
         "отсчёта часов) или время, у которого tv_nsec вне [0, 999999999]."},
        {"Такие вызовы принимают абсолютное время: {5, 0} — это 5 с после 1970 года, давно",
         "прошедший момент, и ожидание сразу истекает; неверный tv_nsec даёт EINVAL.", NULL},
        {"срок = сейчас + тайм-аут: clock_gettime(CLOCK_REALTIME, &t), t.tv_sec += секунды",
         "используйте часы ожидания (pthread_condattr_setclock, аргумент pthread_cond_clockwait)",
         "перенос: if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }"}},
    E(LH_FINDING_COND_SIGNAL_UNLOCKED){
        {"Условной переменной посылают сигнал, когда никто не удерживает мьютекс её ждущих.", NULL},
        {"Это допустимо и правильно, если условие изменили под мьютексом до разблокировки.",
         "Ошибка — если условие меняют без мьютекса: поток, который только что его проверил",
         "и ещё не уснул, пропустит сигнал навсегда (потерянное пробуждение)."},
        {"меняйте условие под мьютексом; сигнал можно послать до или после разблокировки",
         "если условие действительно меняется без мьютекса, захватите мьютекс для изменения",
         NULL}},
    E(LH_FINDING_COND_WAIT_NOT_IN_LOOP){
        {"Поток ждёт условную переменную, а после возврата из ожидания продолжает так, будто",
         "условие выполнено, не проверив его снова: if там, где нужен while.", NULL},
        {"Ожидание может завершиться вообще без сигнала (ложное пробуждение, POSIX это",
         "допускает), а signal или broadcast может разбудить несколько потоков: первый забирает",
         "элемент, остальные снова находят буфер пустым. Безопасен только цикл с проверкой."},
        {"while (!условие) pthread_cond_wait(&cond, &mutex);  /* не if */",
         "C++: cv.wait(lock, [&] { return условие; }) сам проверяет условие в цикле"}},
};

static const struct lh_explanation *const *const tables[LH_LANG_COUNT] = {english, russian};

const struct lh_explanation *lh_explanation_raw(enum lh_lang lang, enum lh_finding_kind kind) {
  if ((unsigned)lang >= LH_LANG_COUNT || (unsigned)kind >= LH_FINDING_KIND_COUNT) return NULL;
  return tables[lang][kind];
}

const struct lh_explanation *lh_explanation(enum lh_lang lang, enum lh_finding_kind kind) {
  const struct lh_explanation *e = lh_explanation_raw(lang, kind);
  return e ? e : lh_explanation_raw(LH_LANG_EN, kind);
}

bool lh_explain_has_steps(enum lh_finding_kind kind) {
  return kind == LH_FINDING_LOCK_ORDER_INVERSION || kind == LH_FINDING_DEADLOCK ||
         kind == LH_FINDING_SINGLE_THREAD_LOCK_ORDER || kind == LH_FINDING_TIMED_WAIT_CYCLE ||
         kind == LH_FINDING_DATA_RACE;
}

/* The patterns --explain names beyond a finding's kind (report_race.c recognises them). */
static const struct lh_explanation dcl_english = {
    {"A first test of the variable without the lock, then the lock, a second test and the store",
     "under it: double-checked locking. The first test reads what the store writes, unordered.",
     NULL},
    {"A plain store under the lock orders nothing for a reader that takes no lock: it may see the",
     "pointer set before the fields written before it, and the compiler may keep or move the load.",
     NULL},
    {"pthread_once(&once, init): init runs exactly once, and every caller sees what it wrote",
     "or make the pointer _Atomic and test it with atomic_load_explicit(&p, memory_order_acquire)",
     "and publish it with atomic_store_explicit(&p, v, memory_order_release), after the fields"}};

static const struct lh_explanation dcl_russian = {
    {"Сначала переменная проверяется без блокировки, затем берётся блокировка, проверка",
     "повторяется и значение записывается под ней: блокировка с двойной проверкой. Первая",
     "проверка читает то, что пишет запись, и ничто их не упорядочивает."},
    {"Обычная запись под блокировкой ничего не упорядочивает для читателя без блокировки: он может",
     "увидеть указатель раньше, чем поля, записанные до него, а компилятор может держать чтение в",
     "регистре или переставить его."},
    {"pthread_once(&once, init): init выполнится ровно один раз, и каждый увидит, что она записала",
     "или сделайте указатель _Atomic и проверяйте его через atomic_load_explicit(&p, "
     "memory_order_acquire)",
     "а публикуйте через atomic_store_explicit(&p, v, memory_order_release) после записи полей"}};

const struct lh_explanation *lh_explanation_double_checked(enum lh_lang lang) {
  return lang == LH_LANG_RU ? &dcl_russian : &dcl_english;
}
