/*
 * banned.h — functions kaohe's own code must not call, made into compile
 * errors (the idea is git's). Each has a safer replacement:
 *   strcpy, strcat, sprintf, vsprintf  → snprintf or struct kh_buf
 *   strncpy, strncat                   → snprintf (always terminates)
 *   strtok                             → an explicit scanner (not reentrant)
 *   atoi, atol, atof                   → strtol/strtod with error checks
 *   gets                               → fgets
 * Included last by common.h, after the system headers it overrides.
 */
#ifndef KH_BANNED_H
#define KH_BANNED_H

#define KH_BANNED(func) sorry_##func##_is_banned_in_kaohe

#undef strcpy
#define strcpy(x, y) KH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) KH_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) KH_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) KH_BANNED(strncat)
#undef sprintf
#define sprintf(...) KH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) KH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) KH_BANNED(strtok)
#undef atoi
#define atoi(x) KH_BANNED(atoi)
#undef atol
#define atol(x) KH_BANNED(atol)
#undef atof
#define atof(x) KH_BANNED(atof)
#undef gets
#define gets(x) KH_BANNED(gets)

#endif
