# bench/bench.mk - included by the top Makefile.
#   make bench   Google Benchmark micro-benchmarks of the pidfd syscalls
#                (through the C shim) -> build/bench/bench.json + a table
#   (the shim is compiled by the top Makefile's object rule, to build/obj/bench/)

BENCH_MIN_TIME ?= 0.2

$(B)/bench/bench: $(TOP)/bench/bench.cc $(call objs,$(TOP)/bench/shim.c)
	@echo "  CXX     $@"
	$(Q)mkdir -p $(@D)
	$(Q)g++ -O2 -g -Wall -MMD -MP -MF $(OBJ)/bench/bench.d -MT $@ -I$(TOP)/bench $< $(OBJ)/bench/shim.o -o $@ -lbenchmark -lpthread

bench: setup $(B)/bench/bench
	$(Q)$(B)/bench/bench --benchmark_min_time=$(BENCH_MIN_TIME) \
		--benchmark_out=$(B)/bench/bench.json --benchmark_out_format=json
	@echo "bench: wrote $(B)/bench/bench.json"
