package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.IndexInfo;
import dev.pgvigil.schema.IndexStat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/** An index's counters and definition, as remembered between snapshots (the index rules need both). */
public record IndexSample(String datname, String schema, String table, String index, long idxScan, long idxTupRead,
                          long sizeBytes, List<String> columns, String accessMethod, String predicate, boolean unique,
                          boolean primary, boolean valid, boolean backsConstraint) {

    public static IndexSample of(IndexStat i) {
        return new IndexSample(i.getDatname(), i.getSchemaName(), i.getTableName(), i.getIndexName(), i.getIdxScan(),
                i.getIdxTupRead(), i.getSizeBytes(), i.getColumns(), i.getAccessMethod(), i.getPredicate(), i.getIsUnique(),
                i.getIsPrimary(), i.getIsValid(), i.getBacksConstraint());
    }

    public IndexInfo info() {
        return new IndexInfo(schema, table, index, columns, accessMethod, predicate, unique, primary, valid, backsConstraint,
                sizeBytes, idxScan, "");
    }

    public static final Codec<IndexSample> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, IndexSample s) throws IOException {
            out.writeUTF(s.datname);
            out.writeUTF(s.schema);
            out.writeUTF(s.table);
            out.writeUTF(s.index);
            out.writeLong(s.idxScan);
            out.writeLong(s.idxTupRead);
            out.writeLong(s.sizeBytes);
            Codec.writeStrings(out, s.columns);
            out.writeUTF(s.accessMethod);
            Codec.writeString(out, s.predicate);
            out.writeByte((s.unique ? 1 : 0) | (s.primary ? 2 : 0) | (s.valid ? 4 : 0) | (s.backsConstraint ? 8 : 0));
        }

        @Override
        public IndexSample read(DataInput in) throws IOException {
            String datname = in.readUTF(), schema = in.readUTF(), table = in.readUTF(), index = in.readUTF();
            long scans = in.readLong(), tupRead = in.readLong(), size = in.readLong();
            List<String> columns = Codec.readStrings(in);
            String am = in.readUTF();
            String predicate = Codec.readString(in);
            int flags = in.readByte();
            return new IndexSample(datname, schema, table, index, scans, tupRead, size, columns, am, predicate,
                    (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0);
        }
    };
}
