/* messages.h - every fixed sentence of the text report, in every language the report speaks.
 *
 * A message is looked up by its id and the report's language; it may be a printf format, and
 * then all its translations take the same conversions in the same order (a unit test checks it).
 * Messages carry neither the ==PID== prefix nor the line's indentation: the report adds them.
 * Words whose form depends on a number ("1 thread", "2 потока", "5 потоков") are in lh_word.
 * docs/i18n.md says how to add a message or a language. */
#ifndef LH_MESSAGES_H
#define LH_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/findings.h"
#include "model/model.h"

enum lh_lang { LH_LANG_EN, LH_LANG_RU, LH_LANG_COUNT };

enum lh_msg {
  /* report_text.c */
  LH_MSG_NO_STACK,
  LH_MSG_MAIN_THREAD,
  LH_MSG_FORK_THREAD,
  LH_MSG_CREATED_UNKNOWN,
  LH_MSG_CREATED_AT,
  LH_MSG_FOR_READING,
  LH_MSG_FOR_WRITING,
  LH_MSG_HOLDS_TAKEN_AT,
  LH_MSG_AND_WANTS_AT,
  LH_MSG_NOTE_PREFIX,
  LH_MSG_WARNING_PREFIX,
  LH_MSG_BADGE_ERROR, /* report_html.c: a finding's badge, by its level */
  LH_MSG_BADGE_WARNING,
  LH_MSG_BADGE_NOTE,
  LH_MSG_NOTE_TITLE,
  LH_MSG_TAKE_LOCKS,
  LH_MSG_IN_OPPOSITE_ORDERS,
  LH_MSG_IN_A_CYCLE,
  LH_MSG_SAME_SITES_CYCLES,
  LH_MSG_ONE_THREAD_TAKES,
  LH_MSG_ONE_THREAD_WHY,
  LH_MSG_NOTE_APART_1,
  LH_MSG_NOTE_APART_2,
  LH_MSG_NOTE_NOT_SHOWN,
  LH_MSG_NOTES_NOT_SHOWN,
  LH_MSG_MORE_FINDINGS,
  LH_MSG_LONGER_CYCLE,
  LH_MSG_LONGER_CYCLES,
  LH_MSG_UNDECIDED_CYCLE,
  LH_MSG_UNDECIDED_CYCLES,
  LH_MSG_SEARCH_TRUNCATED,
  LH_MSG_STATISTICS,
  LH_MSG_STATISTICS_SEEN,
  /* scenario tables (scenario_table.c, report_incident.c) */
  LH_MSG_SCENARIO_TITLE,
  LH_MSG_HAPPENED_TITLE,
  LH_MSG_BANNER_DEADLOCK,
  LH_MSG_BANNER_WAIT_CYCLE,
  LH_MSG_MARK_BLOCKED,
  LH_MSG_MARK_WAITS,
  /* --explain (report_text.c, scenario_table.c) */
  LH_MSG_EXPLAIN_TITLE,
  LH_MSG_EXPLAIN_WHAT,
  LH_MSG_EXPLAIN_WHY,
  LH_MSG_EXPLAIN_FIXES,
  LH_MSG_STEPS_TITLE,
  LH_MSG_STEPS_STEP,
  LH_MSG_STEPS_GOT_IT,
  LH_MSG_STEPS_WAITS_FOR,
  LH_MSG_STEPS_BLOCKED_FOR_EVER,
  LH_MSG_STEPS_UNTIL_TIMEOUT,
  LH_MSG_STEPS_EVERY_THREAD,
  LH_MSG_EXPLAINED_ABOVE,
  LH_MSG_PATTERN_DCL,
  LH_MSG_PATTERN_DCL_ABOVE,
  /* lockhound replay (command_replay.c) */
  LH_MSG_REPLAY_FINDING,
  LH_MSG_REPLAY_STEP,
  LH_MSG_REPLAY_PROMPT,
  /* report_incident.c: threads, locks and waits */
  LH_MSG_OBJECT,
  LH_MSG_MUTEX,
  LH_MSG_AND,
  LH_MSG_IS_BLOCKED_IN,
  LH_MSG_WITH_A_TIMEOUT,
  LH_MSG_HOLDING_TAKEN_AT,
  LH_MSG_IS_HELD_BY,
  LH_MSG_IS_HELD_BY_UNSHOWN,
  LH_MSG_HELD_AT_FORK,
  LH_MSG_WAITS_FOR_END,
  LH_MSG_ENDED_WITH_CODE,
  LH_MSG_ENDED,
  LH_MSG_ABORTED,
  LH_MSG_LEFT_HANGING,
  LH_MSG_HOW_TO_FIX,
  /* deadlock and timed-wait-cycle */
  LH_MSG_TIMED_CYCLE_1,
  LH_MSG_TIMED_CYCLE_2,
  LH_MSG_TIMED_CYCLE_3,
  LH_MSG_DEADLOCKED,
  LH_MSG_FIX_TIMED,
  LH_MSG_FIX_LOCKS_AND_JOINS,
  LH_MSG_FIX_JOINS,
  LH_MSG_FIX_LOCKS,
  /* self-deadlock */
  LH_MSG_SELF_UNKNOWN,
  LH_MSG_SELF_LOCKS_AGAIN,
  LH_MSG_SELF_NON_RECURSIVE,
  LH_MSG_SELF_PYTHON,
  LH_MSG_SELF_RW_UPGRADE,
  LH_MSG_SELF_RW_WRITE_AGAIN,
  LH_MSG_FIX_SELF_RW_UPGRADE,
  LH_MSG_FIX_SELF_PYTHON,
  LH_MSG_SELF_TOOK_FIRST,
  LH_MSG_SELF_TAKES_AGAIN,
  LH_MSG_FIX_SELF,
  /* stall */
  LH_MSG_STALL_BARRIER_COUNT,
  LH_MSG_STALL_BARRIER,
  LH_MSG_STALL_SEM_VALUE,
  LH_MSG_STALL_SEM,
  LH_MSG_STALL_PYTHON_WAIT,
  LH_MSG_STALL_COND_MUTEX,
  LH_MSG_STALL_COND,
  LH_MSG_STALL_UNKNOWN_WAIT,
  LH_MSG_STALL_SUMMARY,
  LH_MSG_RACES_NEED_CC,
  LH_MSG_DEADLOCKED_PART,
  LH_MSG_FIX_STALL,
  LH_MSG_FIX_FORK_HELD,
  LH_MSG_FIX_STALL_PYTHON,
  LH_MSG_POSSIBLE_STALL_SUMMARY,
  LH_MSG_WAKE_SIGNAL_HANDLER,
  LH_MSG_WAKE_OTHER_PROCESS,
  LH_MSG_WAKE_TIMER,
  LH_MSG_LET_RUN,
  LH_MSG_FIX_POSSIBLE_STALL,
  /* livelock */
  LH_MSG_LIVELOCK_SUMMARY,
  LH_MSG_LIVELOCK_FAILED,
  LH_MSG_LIVELOCK_IN_SECONDS,
  LH_MSG_LIVELOCK_NO_SUCCESS,
  LH_MSG_LIVELOCK_KEEPS_FAILING,
  LH_MSG_AT,
  LH_MSG_FIX_LIVELOCK,
  LH_MSG_POSSIBLE_LIVELOCK_SUMMARY,
  /* misuse of the API */
  LH_MSG_UNLOCK_UNOWNED,
  LH_MSG_UNLOCK_UNLOCKED,
  LH_MSG_DESTROY_LOCKED,
  LH_MSG_COND_UNOWNED_1,
  LH_MSG_COND_UNOWNED_2,
  LH_MSG_COND_MULTIPLE_1,
  LH_MSG_COND_MULTIPLE_2,
  LH_MSG_EXIT_HOLDING_LOCK,
  LH_MSG_EXIT_HOLDING_LOCKS,
  LH_MSG_EXIT_HOLDING_ROBUST,
  LH_MSG_BARRIER_COUNT_ZERO_1,
  LH_MSG_BARRIER_COUNT_ZERO_2,
  LH_MSG_BARRIER_REINIT,
  LH_MSG_DESTROY_WHILE_WAITED,
  LH_MSG_MISUSES,
  LH_MSG_NO_DETAIL,
  LH_MSG_SEM_OVERFLOW_1,
  LH_MSG_SEM_OVERFLOW_2,
  LH_MSG_JOIN_DETACHED,
  LH_MSG_JOIN_JOINED,
  LH_MSG_JOIN_CONCURRENT,
  LH_MSG_JOIN_SELF,
  LH_MSG_API_FAILED,
  LH_MSG_FIX_UNLOCK_UNOWNED,
  LH_MSG_FIX_UNLOCK_UNLOCKED,
  LH_MSG_FIX_DESTROY_LOCKED,
  LH_MSG_FIX_COND_UNOWNED,
  LH_MSG_FIX_COND_MULTIPLE,
  LH_MSG_FIX_EXIT_HOLDING,
  LH_MSG_FIX_BARRIER,
  LH_MSG_FIX_SEMAPHORE,
  LH_MSG_FIX_API,
  LH_MSG_HELD_BY_TAKEN_AT,
  LH_MSG_WAS_TAKEN_AT,
  LH_MSG_WITH_MUTEX,
  LH_MSG_RELATED,
  LH_MSG_RELATED_BY,
  LH_MSG_DID_IT_AT,
  LH_MSG_REINIT_HELD,
  LH_MSG_REINIT_WAITED,
  LH_MSG_COND_DESTROY_WAITED_2,
  LH_MSG_USE_AFTER_DESTROY,
  LH_MSG_COND_UNINITIALISED,
  LH_MSG_TIMEOUT_RELATIVE_1,
  LH_MSG_TIMEOUT_RELATIVE_2,
  LH_MSG_TIMEOUT_INVALID,
  LH_MSG_TIMEOUT_ON,
  LH_MSG_SIGNAL_UNLOCKED_1,
  LH_MSG_SIGNAL_UNLOCKED_2,
  LH_MSG_WAIT_UNDER_IF,
  LH_MSG_WAIT_NO_LOOP,
  LH_MSG_WAIT_NOT_IN_LOOP_2,
  LH_MSG_FIX_REINIT,
  LH_MSG_FIX_COND,
  LH_MSG_FIX_TIMEOUT,
  LH_MSG_FIX_SIGNAL_UNLOCKED,
  LH_MSG_FIX_WAIT_NOT_IN_LOOP,
  /* data races (report_race.c, scenario_table.c) */
  LH_MSG_RACE_SUMMARY,
  LH_MSG_RACE_GLOBAL_AT,
  LH_MSG_RACE_GLOBAL,
  LH_MSG_RACE_HEAP_BY,
  LH_MSG_RACE_HEAP,
  LH_MSG_RACE_OTHER,
  LH_MSG_RACE_ACCESS,
  LH_MSG_RACE_EARLIER,
  LH_MSG_RACE_READ,
  LH_MSG_RACE_WRITE,
  LH_MSG_RACE_ATOMIC_READ,
  LH_MSG_RACE_ATOMIC_WRITE,
  LH_MSG_RACE_FREEING,
  LH_MSG_RACE_SYNC_USE,
  LH_MSG_RACE_SYNC_WRITE,
  LH_MSG_RACE_ACCESS_CALL,
  LH_MSG_RACE_EARLIER_CALL,
  LH_MSG_FIX_RACE_LIFETIME,
  LH_MSG_RACE_HOLDING,
  LH_MSG_RACE_HOLDING_NOTHING,
  LH_MSG_RACE_WHY_NO_COMMON_LOCK,
  LH_MSG_RACE_WHY_READERS,
  LH_MSG_RACE_WHY_UNORDERED,
  LH_MSG_FIX_RACE,
  LH_MSG_FIX_RACE_READERS,
  LH_MSG_RACE_STEP,
  LH_MSG_RACE_LOST_UPDATE,
  LH_MSG_RACE_READ_OUTCOME,
  LH_MSG_RACE_WRITE_OUTCOME,
  /* the contention profile (report_contention.c) */
  LH_MSG_CONTENTION_NONE,
  LH_MSG_CONTENTION_HEADER,
  LH_MSG_COL_LOCK,
  LH_MSG_COL_ACQUISITIONS,
  LH_MSG_COL_HAD_TO_WAIT,
  LH_MSG_COL_TOTAL_WAIT,
  LH_MSG_COL_LONGEST,
  LH_MSG_COL_TOTAL_HOLD,
  LH_MSG_MORE_LOCKS,
  LH_MSG_UNIT_S,
  LH_MSG_UNIT_MS,
  LH_MSG_UNIT_US,
  LH_MSG_UNIT_NS,
  /* pictures of findings (finding_picture.c) and the lock-order graph's legend (report_dot.c) */
  LH_MSG_PIC_HOLDS_TAKEN_AT,
  LH_MSG_PIC_HOLDS_AT_FAILURE,
  LH_MSG_PIC_WAITS_IN,
  LH_MSG_PIC_REQUESTS_AGAIN,
  LH_MSG_PIC_TRIES,
  LH_MSG_PIC_READ,
  LH_MSG_PIC_WRITE,
  LH_MSG_PIC_ATOMIC_READ,
  LH_MSG_PIC_ATOMIC_WRITE,
  LH_MSG_PIC_NO_LOCK,
  LH_MSG_PIC_HOLDING,
  LH_MSG_PIC_AT,
  LH_MSG_PIC_BYTES,
  LH_MSG_PIC_VALUE,
  LH_MSG_LEGEND_THREAD,
  LH_MSG_LEGEND_LOCK,
  LH_MSG_LEGEND_OBJECT,
  LH_MSG_LEGEND_MEMORY,
  LH_MSG_LEGEND_HOLDS,
  LH_MSG_LEGEND_WAITS,
  LH_MSG_LEGEND_AGAIN,
  LH_MSG_LEGEND_TRIES,
  LH_MSG_LEGEND_ACCESS,
  LH_MSG_LEGEND_CALL,
  LH_MSG_LEGEND_ORDER,
  LH_MSG_LEGEND_ORDER_RED,
  LH_MSG_LEGEND_ORDER_GREY,
  LH_MSG_LEGEND_DEADLOCK_WAIT,
  LH_MSG_GRAPH_TITLE,
  LH_MSG_GRAPH_LEFT_OUT,
  LH_MSG_GRAPH_LEFT_OUT_NEIGHBOURS,
  LH_MSG_GRAPH_NOTHING,
  LH_MSG_GRAPH_FINDINGS_LEFT_OUT,
  LH_MSG_COUNT
};

/* Words with a number: "thread"/"threads"; Russian has three forms (1, 2-4, 5 and more). */
enum lh_word {
  LH_WORD_THREAD,
  LH_WORD_LOCK,
  LH_WORD_TIME,
  LH_WORD_RUN_FILE,
  LH_WORD_CYCLE,
  LH_WORD_BYTE,
  LH_WORD_COUNT
};

/* The message in lang (English when lang is out of range). Never NULL. */
const char *lh_msg(enum lh_lang lang, enum lh_msg id);
/* The form of word that goes with the number n. */
const char *lh_word(enum lh_lang lang, enum lh_word word, long long n);
/* A finding kind's title ("potential deadlock (lock order inversion)") in lang. */
const char *lh_kind_title_in(enum lh_lang lang, enum lh_finding_kind kind);
/* "mutex", "мьютекс"; "semaphore", "семафор": kinds of lock and object in prose. */
const char *lh_lock_kind_word_in(enum lh_lang lang, enum lh_lock_kind kind);
const char *lh_object_kind_word_in(enum lh_lang lang, enum lh_object_kind kind);

/* "en" -> LH_LANG_EN, "ru" -> LH_LANG_RU; false for anything else. */
bool lh_lang_parse(const char *name, enum lh_lang *out);
const char *lh_lang_name(enum lh_lang lang);

/* The raw table entry (NULL when missing), for the completeness test. */
const char *lh_msg_raw(enum lh_lang lang, enum lh_msg id);
const char *lh_kind_title_raw(enum lh_lang lang, enum lh_finding_kind kind);
/* Form 0, 1 or 2 of a word (English has two: form 2 is NULL). */
const char *lh_word_raw(enum lh_lang lang, enum lh_word word, size_t form);

/* Columns a UTF-8 string takes on a terminal (one per code point: no wide or combining
 * characters appear in our messages). */
size_t lh_text_width(const char *s);

#endif
