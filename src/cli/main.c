/*
 * main.c — the kaohe command: the table of subcommands (one file each,
 * cli_<name>.c) and the dispatcher. Programs use only include/kaohe/.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define SCHEME_DATA_OPTS                                                                       \
    "  --data DIR       数据目录 / data folder (units.csv, values.csv, targets.csv,\n"       \
    "                   events.csv, ballots.csv)\n"                                           \
    "  --period P       考核期 / period: 2024, 2024H1, 2024Q3, 2024-07\n"

const struct cli_command cli_commands[] = {
    {"check", "校验考核方案", "validate a scheme",
     "用法: kaohe check 方案.yaml\n"
     "校验方案文件; 错误给出 文件:行:列 及应当如何书写。通过时打印指标树摘要和警告。\n",
     "usage: kaohe check SCHEME.yaml\n"
     "Validate a scheme; errors give file:line:column and what was expected. On success\n"
     "prints a summary of the indicator tree and any warnings.\n",
     cmd_check},
    {"score", "计算得分、排名、等次", "score units: every node, total, rank, tier",
     "用法: kaohe score 方案.yaml --data 目录 --period 期间 [选项]\n" SCHEME_DATA_OPTS
     "  --format F       table | csv | json (终端默认 table, 否则 csv)\n"
     "  --depth N        表格显示到第N级指标 (默认1)\n"
     "  --category C     只显示该类别\n",
     "usage: kaohe score SCHEME.yaml --data DIR --period P [options]\n"
     "  --format F       table | csv | json (table on a terminal, else csv)\n"
     "  --depth N        table: show indicators down to level N (default 1)\n"
     "  --category C     only this category\n",
     cmd_score},
    {"explain", "解释某个得分的计算过程", "explain how one score was computed",
     "用法: kaohe explain 方案.yaml --data 目录 --period 期间 --unit 单位 [--node 指标]\n" SCHEME_DATA_OPTS
     "给出条款原文、输入数据及其来源行、比较范围、每一步计算、修约和对总分/排名/等次的影响。\n"
     "--node 省略时解释总分。\n",
     "usage: kaohe explain SCHEME.yaml --data DIR --period P --unit U [--node N]\n"
     "  --unit U         unit id or name\n"
     "  --node N         indicator id or name (default: the total)\n"
     "Prints the clause, the inputs with their data rows, the comparison group, each step,\n"
     "the rounding and the effect on total, rank and tier.\n",
     cmd_explain},
    {"firsts", "各指标第一名 (类别内、标签组内), 连续第一", "first places per indicator, streaks",
     "用法: kaohe firsts 方案.yaml --data 目录 --period 期间 [--since 期间]\n" SCHEME_DATA_OPTS
     "  --since P        计算连续第一: 从P起逐期 (同类期间) 计算到 --period\n"
     "  --format F       table | csv | json\n",
     "usage: kaohe firsts SCHEME.yaml --data DIR --period P [--since P0]\n"
     "  --since P0       also count streaks: score every period of the same kind from P0\n"
     "  --format F       table | csv | json\n",
     cmd_firsts},
    {"weak", "单位薄弱点 (失分最多的指标)", "a unit's weak points",
     "用法: kaohe weak 方案.yaml --data 目录 --period 期间 --unit 单位 [--top N]\n" SCHEME_DATA_OPTS
     "列出失分最多的指标: 得分、分值、失分、同类平均、差距。\n",
     "usage: kaohe weak SCHEME.yaml --data DIR --period P --unit U [--top N]\n"
     "  --unit U         unit id or name\n"
     "  --top N          how many (default 5)\n"
     "  --format F       table | csv | json\n",
     cmd_weak},
    {"demo", "内置示例区: 生成数据并显示各类别排名表", "the built-in demo district",
     "用法: kaohe demo [--period 期间] [--write 目录]\n"
     "生成内置的示例区 (示例数据, 均为虚构): 12个镇街、14个部门、园区A档和B档各3个、120个\n"
     "村 (社区), 显示各类别的排名表 (与 kaohe score --format table 相同); 期间不足一年时\n"
     "再列出序时进度; 最后是村 (社区) “五星”支部的星级分布和前十名。\n"
     "  --period P       考核期, 默认 2024; 年中看序时进度用 2024H1 (月份期间只计当月数据)\n"
     "  --write DIR      不显示排名, 把方案 (scheme.yaml, villages.yaml) 和数据 (CSV, 村在\n"
     "                   DIR/villages/) 写入目录; kaohe score DIR/scheme.yaml --data DIR\n"
     "                   --period 2024 得到同样的排名表\n",
     "usage: kaohe demo [--period P] [--write DIR]\n"
     "Generates the built-in demo district (synthetic data): 12 towns, 14 departments, 3 + 3\n"
     "parks in bands A and B, 120 villages; prints the league table of each category (as\n"
     "kaohe score --format table does), then time progress for a period shorter than a year,\n"
     "then the villages' star rating: how many per star and the top ten.\n"
     "  --period P       the period (default 2024); 2024H1 for mid-year progress (a month\n"
     "                   period counts that month's data only)\n"
     "  --write DIR      print no tables; save the schemes (scheme.yaml, villages.yaml) and\n"
     "                   the data (CSV; villages in DIR/villages/) into DIR, so that\n"
     "                   kaohe score DIR/scheme.yaml --data DIR --period 2024 gives the same\n"
     "                   tables\n",
     cmd_demo},
    {NULL, NULL, NULL, NULL, NULL, NULL}};

const struct cli_command *cli_find(const char *name)
{
    const struct cli_command *c;
    for (c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void usage(FILE *out)
{
    const struct cli_command *c;
    fprintf(out, "kaohe — 目标管理与绩效考核 / target management and performance assessment\n\n"
                 "用法 usage: kaohe <命令 command> [选项 options]\n\n");
    for (c = cli_commands; c->name; c++)
        fprintf(out, "  %-8s %s / %s\n", c->name, c->summary_zh, c->summary_en);
    fprintf(out, "\n  kaohe <命令> --help 查看命令帮助 / for a command's help\n"
                 "  kaohe version\n");
}

int main(int argc, char **argv)
{
    const struct cli_command *c;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc >= 3 && (c = cli_find(argv[2]))) {
            cli_help(c, stdout);
            return EXIT_OK;
        }
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("kaohe 0.1.0\n");
        return EXIT_OK;
    }
    c = cli_find(argv[1]);
    if (!c) {
        fprintf(stderr, "kaohe: 未知命令 unknown command '%s'\n\n", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
