# ktstr-report: judges a finished run directory.  Its pieces also go
# into a private archive so tests/report can unit-test them.
REPORT_SRCS := $(filter-out tools/report/main.c,$(wildcard tools/report/*.c))
REPORT_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(REPORT_SRCS))
REPORT_LIB  := $(LIBDIR)/libreport.a
$(REPORT_LIB): $(REPORT_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
$(BIN)/ktstr-report: $(OBJ)/tools/report/main.o $(REPORT_LIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(REPORT_LIB) $(LIB) $(HOST_LIBS)
BINS += $(BIN)/ktstr-report
SCRIPTS += tools/ktstr tools/ktstr-kernel
