package io.amdb.shell;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTableTest {

    @Test
    void arityOk_requiredOptionalGroupAndRepeats() {
        assertTrue(CommandTable.arityOk("PUT key value", 2));
        assertFalse(CommandTable.arityOk("PUT key value", 1));
        assertFalse(CommandTable.arityOk("PUT key value", 3));
        assertTrue(CommandTable.arityOk("SCAN start end [LIMIT n]", 2));
        assertTrue(CommandTable.arityOk("SCAN start end [LIMIT n]", 4));
        assertFalse(CommandTable.arityOk("SCAN start end [LIMIT n]", 3));
        assertTrue(CommandTable.arityOk("DEL key [key…]", 5));
        assertFalse(CommandTable.arityOk("DEL key [key…]", 0));
        assertTrue(CommandTable.arityOk("\\timing [on|off]", 0));
        assertTrue(CommandTable.arityOk("\\timing [on|off]", 1));
    }

    @Test
    void get_ignoresCase_andCheckArityNamesTheUsage() {
        CommandTable.Entry<?> put = NativeCommands.TABLE.get("put");
        assertNotNull(put);
        assertEquals("PUT", put.name());
        ShellError e = assertThrows(ShellError.class, () -> CommandTable.checkArity(put, 1));
        assertEquals("usage: PUT key value", e.getMessage());
        assertNotNull(MetaCommands.TABLE.get("\\CLUSTER"));
    }
}
