package dev.sluice.job;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
class PriorityConverter implements AttributeConverter<Priority, Short> {

    @Override
    public Short convertToDatabaseColumn(Priority priority) {
        return priority == null ? null : priority.rank();
    }

    @Override
    public Priority convertToEntityAttribute(Short rank) {
        return rank == null ? null : Priority.ofRank(rank);
    }
}
